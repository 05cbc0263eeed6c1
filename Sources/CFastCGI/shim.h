#pragma once
#include <fcgiapp.h>
#include <unistd.h>
#include <signal.h>
