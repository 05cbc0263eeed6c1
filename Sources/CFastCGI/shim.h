#pragma once
#include <fcgiapp.h>
// Process control for the worker pool (signals, exec).
#include <unistd.h>
#include <signal.h>
#include <stdint.h>

// Atomic counters in memory shared by the pool's processes (metrics).
static inline void booking_atomic_add(uint64_t *counter, uint64_t value) {
    __atomic_fetch_add(counter, value, __ATOMIC_RELAXED);
}
static inline uint64_t booking_atomic_load(const uint64_t *counter) {
    return __atomic_load_n(counter, __ATOMIC_RELAXED);
}

// Worker memory: mallopt(M_MMAP_THRESHOLD, ...) (see main.swift).
#include <malloc.h>
