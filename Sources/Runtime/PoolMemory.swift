import Glibc

/// Words shared by the pool's processes: a file in the runtime directory that the master
/// creates (zeroed) before it starts workers, and that each worker maps. Without the file
/// (tests, commands, a process outside the pool) the words are private memory.
enum PoolMemory {
    /// Creates or empties the file, `words` zeroed words long.
    static func create(path: String, words: Int) throws {
        try sized(path: path, words: words, flags: O_TRUNC)
    }

    /// Creates the file if it is missing and lengthens it (with zeros) if it is shorter than
    /// `words`, keeping what it holds: for counters that outlive the processes.
    static func keep(path: String, words: Int) throws {
        try sized(path: path, words: words, flags: 0)
    }

    private static func sized(path: String, words: Int, flags: Int32) throws {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | flags, 0o600)
        var status = stat()
        guard fd >= 0, fstat(fd, &status) == 0, status.st_size >= words * 8 || ftruncate(fd, off_t(words * 8)) == 0 else {
            if fd >= 0 { close(fd) }
            throw ConfigurationError("cannot create the shared file \(path): errno \(errno)")
        }
        close(fd)
    }

    /// Maps the file at `path`, or private zeroed memory when there is none, or when it is
    /// shorter than `words` (made by another version of the program: a worker of a new binary
    /// under an old master, after a SIGHUP) rather than fault on the words past its end.
    static func map(path: String?, words: Int, writable: Bool = true) throws -> UnsafeMutablePointer<UInt64> {
        var fd = path.map { open($0, (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC | O_NOFOLLOW) } ?? -1
        var status = stat()
        if fd >= 0, fstat(fd, &status) != 0 || status.st_size < words * 8 {
            close(fd)
            fd = -1
        }
        let protection = writable || fd < 0 ? PROT_READ | PROT_WRITE : PROT_READ
        let memory = mmap(nil, words * 8, protection, fd >= 0 ? MAP_SHARED : (MAP_PRIVATE | MAP_ANONYMOUS), fd, 0)
        if fd >= 0 { close(fd) }
        guard let memory, memory != MAP_FAILED else { throw ConfigurationError("cannot map \(path ?? "memory"): errno \(errno)") }
        return memory.bindMemory(to: UInt64.self, capacity: words)
    }

    static func unmap(_ words: UnsafeMutablePointer<UInt64>, count: Int) {
        munmap(words, count * 8)
    }
}
