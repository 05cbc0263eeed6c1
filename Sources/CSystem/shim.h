#pragma once
// What Swift's Glibc module does not offer: atomics on memory shared by the pool's
// processes, epoll, prctl, mallopt and posix_spawn's closefrom.
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

// The pool's listen socket: an idle worker waits in epoll with EPOLLEXCLUSIVE, so a new
// connection wakes one idle worker instead of all of them (Listener.swift).
#include <sys/epoll.h>

// Worker memory: mallopt(M_MMAP_THRESHOLD, ...) (see main.swift).
#include <malloc.h>

// A sequence lock per slot of memory shared by the pool (recently written venues).
static inline int booking_atomic_try_begin_write(uint64_t *sequence, uint64_t expected) {
    return __atomic_compare_exchange_n(sequence, &expected, expected + 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}
static inline void booking_atomic_store_release(uint64_t *word, uint64_t value) {
    __atomic_store_n(word, value, __ATOMIC_RELEASE);
}
static inline uint64_t booking_atomic_load_acquire(const uint64_t *word) {
    return __atomic_load_n(word, __ATOMIC_ACQUIRE);
}
static inline void booking_atomic_fence(void) {
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

// A worker is told to stop (drain and exit) when the master that started it dies, even by
// SIGKILL, instead of lingering with the listen socket and the data files open.
#include <sys/prctl.h>
static inline int booking_signal_when_parent_dies(int signal) {
    return prctl(PR_SET_PDEATHSIG, signal);
}

// sendmail gets its three streams and nothing else the notifier has open, whether or not
// that descriptor was opened with O_CLOEXEC (glibc 2.34; declared under _GNU_SOURCE only).
#include <spawn.h>
extern int posix_spawn_file_actions_addclosefrom_np(posix_spawn_file_actions_t *, int);
static inline int booking_spawn_close_from(posix_spawn_file_actions_t *actions, int fd) {
    return posix_spawn_file_actions_addclosefrom_np(actions, fd);
}
