import CFastCGI
import Foundation
import Glibc

/// Set by SIGTERM/SIGINT; checked between requests.
nonisolated(unsafe) private var shutdownRequested: sig_atomic_t = 0
/// The listen socket, replaced by /dev/null on shutdown so that a worker that was about to
/// call `accept` fails at once instead of waiting for one more connection.
nonisolated(unsafe) private var listenDescriptor: Int32 = -1
nonisolated(unsafe) private var nullDescriptor: Int32 = -1

/// A worker process: accepts FastCGI requests one at a time on the inherited socket and
/// answers them through `application`, until asked to stop.
struct Worker {
    let listenFD: Int32
    let application: Application

    func run() -> Never {
        listenDescriptor = listenFD
        nullDescriptor = open("/dev/null", O_RDONLY | O_CLOEXEC)
        installSignalHandler([SIGTERM, SIGINT, SIGHUP]) { _ in
            shutdownRequested = 1
            dup2(nullDescriptor, listenDescriptor)
        }
        signal(SIGPIPE, SIG_IGN)  // nginx may close a connection mid-response

        FCGX_Init()
        let request = UnsafeMutablePointer<FCGX_Request>.allocate(capacity: 1)
        FCGX_InitRequest(request, listenFD, Int32(FCGI_FAIL_ACCEPT_ON_INTR))
        while shutdownRequested == 0 {
            guard FCGX_Accept_r(request) >= 0 else {
                if shutdownRequested != 0 { break }
                continue  // EINTR from another signal, or a connection reset before accept
            }
            let fcgi = FastCGIExchange(request: request)
            let httpRequest = fcgi.readRequest(maxBody: application.configuration.maxBodyBytes)
            let response = application.respond(to: httpRequest)
            fcgi.write(response, omitBody: httpRequest.method == "HEAD")
            FCGX_Finish_r(request)
            application.services.finishDeferredWork()
        }
        exit(0)
    }
}
