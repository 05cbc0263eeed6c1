import Glibc

/// Installs `handler` for `signals` without `SA_RESTART`, so a blocking `accept` returns
/// `EINTR` and the worker loop can notice a shutdown request.
func installSignalHandler(_ signals: [Int32], _ handler: @convention(c) (Int32) -> Void) {
    var action = sigaction()
    action.__sigaction_handler.sa_handler = handler
    sigemptyset(&action.sa_mask)
    action.sa_flags = 0
    for signal in signals { sigaction(signal, &action, nil) }
}

/// A signal set built from a list.
func signalSet(_ signals: [Int32]) -> sigset_t {
    var set = sigset_t()
    sigemptyset(&set)
    for signal in signals { sigaddset(&set, signal) }
    return set
}
