import Synchronization

/// The process's environment is shared by its threads, and `setenv` may move `environ`
/// while another thread reads it. Code that changes the environment (`TimeZoneDatabase`) or
/// hands it to a child (`Mailer`) holds this lock. The notifier has one thread; tests have many.
package enum ProcessEnvironment {
    package static let lock = Mutex(())
}
