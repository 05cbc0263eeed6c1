import Glibc

/// Bytes from the kernel's CSPRNG (glibc's arc4random_buf draws them with getrandom(2)), the
/// only source of randomness for tokens, codes and ids: one call per value, not one per 8 bytes.
package enum SecureRandom {
    package static func bytes(_ count: Int) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: count)
        result.withUnsafeMutableBytes { arc4random_buf($0.baseAddress!, $0.count) }
        return result
    }
}
