import Glibc

/// Installs `handler` for `signals`. Without `restart`, a blocking call returns `EINTR` (the
/// notifier's sleep ends at once); with it, reads and writes carry on (a worker must not cut
/// a request it is reading or a response it is writing; its `epoll_wait` returns `EINTR`
/// either way, so it still notices a shutdown request).
package func installSignalHandler(_ signals: [Int32], restart: Bool = false, _ handler: @convention(c) (Int32) -> Void) {
    var action = sigaction()
    action.__sigaction_handler.sa_handler = handler
    sigemptyset(&action.sa_mask)
    action.sa_flags = restart ? SA_RESTART : 0
    for signal in signals { sigaction(signal, &action, nil) }
}

/// A signal set built from a list.
package func signalSet(_ signals: [Int32]) -> sigset_t {
    var set = sigset_t()
    sigemptyset(&set)
    for signal in signals { sigaddset(&set, signal) }
    return set
}
