import FoundationEssentials
import Glibc

/// The set of live worker processes and the policies for starting, restarting and
/// stopping them. Used only by the master.
struct WorkerPool {
    let spawn: () throws -> pid_t
    let report: (PoolEvent) -> Void
    private(set) var workers: Set<pid_t> = []
    private var wanted = 0
    private var recentCrashes: [Date] = []

    init(spawn: @escaping () throws -> pid_t, report: @escaping (PoolEvent) -> Void) {
        self.spawn = spawn
        self.report = report
    }

    mutating func start() throws {
        wanted += 1
        workers.insert(try spawn())
    }

    /// Collects exited workers and starts replacements, backing off when workers die
    /// in a tight loop (e.g. a bad configuration) so the master does not spin.
    mutating func reapAndRestart() {
        for (pid, status) in reapExited() {
            workers.remove(pid)
            report(.workerExited(pid: pid, status: describe(status)))
            recentCrashes.append(Date())
        }
        recentCrashes.removeAll { $0.timeIntervalSinceNow < -10 }
        if recentCrashes.count > 20 { return }  // retried on the next tick
        while workers.count < wanted {
            do {
                let pid = try spawn()
                workers.insert(pid)
                report(.workerRestarted(pid: pid))
            } catch {
                report(.cannotStartWorker("\(error)"))
                return
            }
        }
    }

    /// Asks every worker to finish its request and exit; kills stragglers after `timeout`.
    mutating func stopAll(timeout: Double) {
        wanted = 0
        for pid in workers { kill(pid, SIGTERM) }
        let deadline = Date().addingTimeInterval(timeout)
        while !workers.isEmpty && Date() < deadline {
            for (pid, _) in reapExited() { workers.remove(pid) }
            usleep(10_000)
        }
        for pid in workers {
            kill(pid, SIGKILL)
            waitpid(pid, nil, 0)
        }
        workers.removeAll()
    }

    /// Rolling replacement: a new worker starts before an old one drains, so the pool never
    /// shrinks and the shared listen socket never stops accepting.
    mutating func replaceAll(timeout: Double) {
        for old in workers {
            do { workers.insert(try spawn()) } catch {
                report(.cannotStartWorker("\(error)"))
                return
            }
            usleep(100_000)
            kill(old, SIGTERM)
            let deadline = Date().addingTimeInterval(timeout)
            while Date() < deadline, waitpid(old, nil, WNOHANG) == 0 { usleep(10_000) }
            if Date() >= deadline {
                kill(old, SIGKILL)
                waitpid(old, nil, 0)
            }
            workers.remove(old)
        }
        reapAndRestart()
    }

    private func reapExited() -> [(pid_t, Int32)] {
        var exited: [(pid_t, Int32)] = []
        var status: Int32 = 0
        while true {
            let pid = waitpid(-1, &status, WNOHANG)
            if pid <= 0 { break }
            exited.append((pid, status))
        }
        return exited
    }

    private func describe(_ status: Int32) -> String {
        let signal = status & 0x7f
        return signal == 0 ? "exit \((status >> 8) & 0xff)" : "signal \(signal)"
    }
}
