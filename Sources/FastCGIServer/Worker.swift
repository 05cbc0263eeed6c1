internal import CFastCGI
import Common
import FoundationEssentials
import Glibc

/// Set by SIGTERM/SIGINT; checked between requests.
nonisolated(unsafe) private var shutdownRequested: sig_atomic_t = 0
/// The listen socket, replaced by /dev/null on shutdown so that a worker that was about to
/// call `accept` fails at once instead of waiting for one more connection.
nonisolated(unsafe) private var listenDescriptor: Int32 = -1
nonisolated(unsafe) private var nullDescriptor: Int32 = -1

/// What a worker serves. The server knows nothing of routes or the domain: it reads each
/// request, asks the responder to look at it once (`prepare`: routing), and hands it the
/// requests it took together.
package protocol Responder {
    associatedtype Prepared: PreparedRequest
    /// Bodies larger than this are not read; the request is marked `bodyTooLarge`.
    var maxBodyBytes: Int { get }
    func prepare(_ request: Request) -> Prepared
    /// One response per request, in order; each as it would have been alone.
    func respond(toAll requests: [Prepared]) -> [Response]
    /// Called after the responses of a batch went out (deferred work: live publishes, checkpoints).
    func afterResponses()
    /// Called each second the worker waits without a request. Must not block.
    func whileIdle()
}

/// A request as its responder prepared it.
package protocol PreparedRequest {
    var request: Request { get }
    /// Whether requests waiting behind this one are worth taking with it (answered together).
    var takesBatches: Bool { get }
}

/// A worker process: takes FastCGI requests on the inherited socket and answers them
/// through `responder`, until asked to stop.
///
/// When the request it took is one that takes batches (bookings), the worker also takes
/// every connection already waiting (up to `maxBatch`) and answers them together: the
/// responder runs the bookings' writes in one transaction per venue and step, so a burst of
/// N bookings costs the venue's lock, cold page cache and commit once instead of N times.
package struct Worker<App: Responder> {
    package let listenFD: Int32
    package let responder: App
    /// Requests answered together at most; bounds how long the first one waits.
    package static var maxBatch: Int { 32 }

    package init(listenFD: Int32, responder: App) {
        self.listenFD = listenFD
        self.responder = responder
    }

    package func run() -> Never {
        listenDescriptor = listenFD
        nullDescriptor = open("/dev/null", O_RDONLY | O_CLOEXEC)
        installSignalHandler([SIGTERM, SIGINT, SIGHUP], restart: true) { _ in
            shutdownRequested = 1
            dup2(nullDescriptor, listenDescriptor)
        }
        signal(SIGPIPE, SIG_IGN)  // nginx may close a connection mid-response

        FCGX_Init()
        let listener = Listener(socket: listenFD)
        let slots = (0..<Self.maxBatch).map { _ in
            let slot = UnsafeMutablePointer<FCGX_Request>.allocate(capacity: 1)
            FCGX_InitRequest(slot, listenFD, Int32(FCGI_FAIL_ACCEPT_ON_INTR))
            return slot
        }
        // The requests taken, in parallel arrays: the responder's prepared requests are passed
        // to it as they are, so this generic code never maps or copies tuples of them (in a
        // module of its own, it is not specialized for the responder).
        var exchanges: [FastCGIExchange] = []
        var prepared: [App.Prepared] = []
        /// Reads the request of a connection this worker accepted into the next free slot.
        func take(_ connection: Int32) {
            let slot = slots[exchanges.count]
            // libfcgi reads from a connection already open instead of accepting one, and
            // keeps it open while it clears the slot of its previous request.
            slot.pointee.ipcFd = connection
            slot.pointee.keepConnection = 1
            guard FCGX_Accept_r(slot) >= 0 else { return }  // not a FastCGI request: libfcgi closed it
            // One request per connection, whatever the client asked: the next `take` of this
            // slot sets a new connection.
            slot.pointee.keepConnection = 0
            let exchange = FastCGIExchange(request: slot)
            exchanges.append(exchange)
            prepared.append(responder.prepare(exchange.readRequest(maxBody: responder.maxBodyBytes)))
        }

        while shutdownRequested == 0 {
            guard let first = listener.acceptNext() else {
                responder.whileIdle()  // a second without a request
                continue
            }
            take(first)
            // Take the waiting writes along, up to the first request that is not one of them:
            // it is answered on its own once the batch's answers are out, so a slow request
            // (a login's hashing) never holds a batch back, and a batch never holds more than one.
            var alone: (FastCGIExchange, App.Prepared)?
            if prepared.first?.takesBatches == true {
                while exchanges.count < Self.maxBatch, let next = listener.acceptWaiting() {
                    take(next)
                    if prepared.last?.takesBatches == false {
                        alone = (exchanges.removeLast(), prepared.removeLast())
                        break
                    }
                }
            }
            answer(exchanges, prepared)
            if let (exchange, request) = alone { answer([exchange], [request]) }
            exchanges.removeAll(keepingCapacity: true)
            prepared.removeAll(keepingCapacity: true)
            responder.afterResponses()
        }
        exit(0)
    }

    /// Answers requests taken together: every response goes out before any connection is
    /// closed (the close of a request whose body was refused unread is libfcgi's, which waits
    /// for the web server to close its end).
    private func answer(_ exchanges: [FastCGIExchange], _ requests: [App.Prepared]) {
        let responses = responder.respond(toAll: requests)
        for index in exchanges.indices {
            exchanges[index].write(responses[index], omitBody: requests[index].request.method == "HEAD")
            exchanges[index].endResponse()
        }
        for exchange in exchanges { FCGX_Finish_r(exchange.request) }
    }
}
