import Glibc

/// Words shared by the pool's processes: a file in the runtime directory that the master
/// creates (zeroed) before it starts workers, and that each worker maps. Without the file
/// (tests, commands, a process outside the pool) the words are private memory.
enum PoolMemory {
    /// Creates or empties the file, `words` zeroed words long.
    static func create(path: String, words: Int) throws {
        let fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0, ftruncate(fd, off_t(words * 8)) == 0 else {
            if fd >= 0 { close(fd) }
            throw ConfigurationError("cannot create the shared file \(path): errno \(errno)")
        }
        close(fd)
    }

    /// Maps the file at `path`, or private zeroed memory when there is none.
    static func map(path: String?, words: Int) throws -> UnsafeMutablePointer<UInt64> {
        let fd = path.map { open($0, O_RDWR | O_CLOEXEC | O_NOFOLLOW) } ?? -1
        let memory = mmap(nil, words * 8, PROT_READ | PROT_WRITE, fd >= 0 ? MAP_SHARED : (MAP_PRIVATE | MAP_ANONYMOUS), fd, 0)
        if fd >= 0 { close(fd) }
        guard let memory, memory != MAP_FAILED else { throw ConfigurationError("cannot map \(path ?? "memory"): errno \(errno)") }
        return memory.bindMemory(to: UInt64.self, capacity: words)
    }
}
