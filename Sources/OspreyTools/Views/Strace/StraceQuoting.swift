import OspreyCore

/// Renders raw guest memory the way `strace` 6.x prints it with its default options (`-s 32`,
/// no `-v`, no `-x`), for x86-64, AArch64 and i386 Linux guests, so that `osprey syscalls`
/// diffs cleanly against strace.
///
/// Every function is pure and takes the bytes as read from the guest (little-endian). Guest
/// bytes are untrusted: nothing here traps; a renderer returns nil when the bytes are too short
/// for the struct it decodes, where strace would print the pointer instead.
public enum StraceRender {
    /// strace's default `-s`: at most this many bytes of a buffer, and elements of an array.
    public static let defaultLimit = 32

    /// Linux's `PATH_MAX`: strace reads paths up to this size, NUL included.
    static let pathMax = 4096
}

// MARK: - Strings

extension StraceRender {
    /// A data buffer (`read`, `write`, `pread64`, `sendto` ...) as strace's `printstr` shows it:
    /// the first `min(limit, bytes.count, total)` bytes in double quotes, escaped as strace's
    /// `string_quote` does (`\"` `\\` `\t` `\n` `\v` `\f` `\r`, printable ASCII as is, any other
    /// byte in octal with the fewest digits, or three digits when the next shown byte is an
    /// octal digit `0`-`7`), then `...` when the buffer is longer than `limit` or when fewer bytes
    /// were captured than strace would show.
    ///
    /// `total` is the buffer's length (the count argument for writes, the result for reads);
    /// `bytes` are the bytes captured from its start. Examples:
    /// `"\177ELF\2\1\1\3\0\0\0\0\0\0\0\0\3\0>\0\1\0\0\0p\236\2\0\0\0\0\0"...`, `"data\n"`, `""`.
    public static func quoted(_ bytes: [UInt8], limit: Int = 32, total: Int) -> String {
        let limit = max(0, limit), total = max(0, total)
        let shown = min(limit, bytes.count, total)
        let text = "\"" + escaped(bytes[0..<shown]) + "\""
        return text + (total > limit || bytes.count < min(total, limit) ? "..." : "")
    }

    /// A buffer strace forces into hex (`getrandom`'s, and other binary data): like
    /// ``quoted(_:limit:total:)`` but every byte as `\xNN`, e.g. `"\x1f\x29\x97\xe2"`.
    public static func hexQuoted(_ bytes: [UInt8], limit: Int = 32, total: Int) -> String {
        let limit = max(0, limit), total = max(0, total)
        let shown = min(limit, bytes.count, total)
        var text = "\""
        for byte in bytes[0..<shown] { text += "\\x" + (byte < 16 ? "0" : "") + String(byte, radix: 16) }
        text += "\""
        return text + (total > limit || bytes.count < min(total, limit) ? "..." : "")
    }

    /// A path (`open`, `stat`, `execve` ...) as strace's `printpath` shows it: the whole string up
    /// to its NUL with ``quoted(_:limit:total:)``'s escaping and no `-s` limit. Only a path with
    /// no NUL in `PATH_MAX` (4096) bytes is cut, to 4095 bytes and `...`, as strace does.
    /// `bytes` may or may not include the terminating NUL.
    public static func pathString(_ bytes: [UInt8]) -> String {
        if let nul = bytes.firstIndex(of: 0), nul < pathMax { return "\"" + escaped(bytes[0..<nul]) + "\"" }
        if bytes.count >= pathMax { return "\"" + escaped(bytes[0..<(pathMax - 1)]) + "\"..." }
        return "\"" + escaped(bytes[...]) + "\""
    }

    /// A NUL-terminated string of at most `size` bytes as strace's `printstr_ex` with
    /// `QUOTE_0_TERMINATED` shows it (`prctl(PR_SET_NAME, "mkdir")` with size 15,
    /// `PR_GET_NAME` with 16): the bytes up to the NUL, at most `limit` of them; `...` after the
    /// closing quote when no NUL ends the string within what strace looked at (the first
    /// `min(size, limit)` bytes, plus the byte at `limit` when `size > limit`), or when the
    /// capture ended before a NUL.
    public static func quotedCString(_ bytes: [UInt8], size: Int, limit: Int = 32) -> String {
        let size = max(0, size), limit = max(0, limit)
        let window = min(size, limit)
        let seen = bytes.prefix(window)
        if let nul = seen.firstIndex(of: 0) { return "\"" + escaped(seen[..<nul]) + "\"" }
        let text = "\"" + escaped(seen) + "\""
        if size == 0 { return text }
        if seen.count < window { return text + "..." }
        if size > limit, bytes.count > limit, bytes[limit] == 0 { return text }
        return text + "..."
    }

    /// A fixed-size `char` array field (`utsname.sysname`, ...) as strace's
    /// `print_quoted_cstring` shows it: up to the first NUL within the first `count - 1` bytes;
    /// otherwise those bytes and `...` unless the last byte is NUL.
    public static func cStringField(_ field: [UInt8]) -> String {
        guard !field.isEmpty else { return "\"\"" }
        let window = field.prefix(field.count - 1)
        if let nul = window.firstIndex(of: 0) { return "\"" + escaped(window[..<nul]) + "\"" }
        return "\"" + escaped(window) + "\"" + (field[field.count - 1] == 0 ? "" : "...")
    }

    /// An `int` array as strace prints it (`pipe2`'s fds, `setsockopt`'s value): `[3, 4]`.
    public static func intArray(_ values: [Int32]) -> String {
        "[" + values.map { String($0) }.joined(separator: ", ") + "]"
    }

    /// strace's `string_quote` escaping of `bytes` (no quotes): the one rule of every view
    /// (``TextEscaping/escaped(_:)``).
    static func escaped(_ bytes: ArraySlice<UInt8>) -> String { TextEscaping.escaped(bytes) }
}
