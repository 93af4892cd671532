// MARK: - Socket addresses

extension StraceRender {
    /// A socket address (`bind`, `connect`, `sendto`, `accept`, `getsockname` ...) as strace's
    /// `print_sockaddr` shows it. `b` is exactly the `addrlen` bytes the caller passed or the
    /// kernel returned (strace reads at most 128, `sizeof(struct sockaddr_storage)`).
    ///
    /// - `{sa_family=AF_UNIX, sun_path="/dev/log"}`, abstract names as `sun_path=@"name"`;
    /// - `{sa_family=AF_INET, sin_port=htons(5555), sin_addr=inet_addr("127.0.0.1")}`;
    /// - `{sa_family=AF_INET6, sin6_port=htons(5555), sin6_flowinfo=htonl(0),
    ///   inet_pton(AF_INET6, "::", &sin6_addr), sin6_scope_id=0}` (glibc's `inet_ntop` text;
    ///   no `sin6_scope_id` when `addrlen` is 24);
    /// - `{sa_family=AF_NETLINK, nl_pid=0, nl_groups=00000000}`;
    /// - `{sa_family=AF_UNSPEC}` when only the family fits;
    /// - any other family, or an address too short for its family's struct:
    ///   `{sa_family=AF_xxx, sa_data="..."}` with every byte after the family quoted.
    ///
    /// Nil when fewer than 2 bytes are given (strace prints the pointer) and for the families
    /// strace decodes with printers not written here (AX.25, IPX, X.25, packet, Bluetooth,
    /// RxRPC, IEEE 802.15.4, ALG, NFC, vsock, Qualcomm IPC router, XDP, MCTP).
    public static func sockaddr(_ b: [UInt8]) -> String? {
        guard b.count >= 2 else { return nil }
        let length = min(b.count, 128)
        // strace zero-fills its buffer past addrlen; reading fields there gives zeros.
        let padded = StraceBytes(Array(b[0..<length]) + [UInt8](repeating: 0, count: 129 - length))
        let family = Int(padded.u16(0) ?? 0)
        var text = "{sa_family=" + StraceConstants.addressFamily(family)
        guard length > 2 else { return text + "}" }
        text += ", "
        switch family {
        case 1:
            text += unixPath(padded, length: length)
        case 2 where length >= 16:
            let port = padded.be16(2) ?? 0
            let a = padded.bytes[4..<8].map(String.init).joined(separator: ".")
            text += "sin_port=htons(\(port)), sin_addr=inet_addr(\"\(a)\")"
        case 10 where length >= 24:
            let port = padded.be16(2) ?? 0, flow = padded.be32(4) ?? 0
            let address = Array(padded.bytes[8..<24])
            text += "sin6_port=htons(\(port)), sin6_flowinfo=htonl(\(flow)), "
            text += "inet_pton(AF_INET6, \"\(ipv6Text(address))\", &sin6_addr)"
            if length > 24 { text += ", sin6_scope_id=\(padded.u32(24) ?? 0)" }
        case 16 where length >= 12:
            let pad = padded.u16(2) ?? 0, pid = padded.i32(4) ?? 0, groups = padded.u32(8) ?? 0
            if pad != 0 { text += "nl_pad=\(StraceXlat.hex(UInt64(pad))), " }
            text += "nl_pid=\(pid), nl_groups=\(StraceXlat.paddedHex(UInt64(groups), width: 8))"
        case 3, 4, 9, 17, 31, 33, 36, 38, 39, 40, 42, 44, 45:
            return nil
        default:
            text += "sa_data=\"" + escaped(padded.bytes[2..<length]) + "\""
        }
        return text + "}"
    }

    /// `sun_path=...` of an `AF_UNIX` address of `length` bytes.
    static func unixPath(_ r: StraceBytes, length: Int) -> String {
        let pathLength = min(length, 110) - 2
        let path = r.bytes[2..<(2 + pathLength)]
        if path.first != 0 {
            let end = path.firstIndex(of: 0) ?? path.endIndex
            return "sun_path=\"" + escaped(path[..<end]) + "\""
        }
        return "sun_path=@\"" + escaped(path.dropFirst()) + "\""
    }

    /// An IPv6 address as glibc's `inet_ntop` writes it: lower-case hex groups, the first
    /// longest run of two or more zero groups as `::`, and `::a.b.c.d` / `::ffff:a.b.c.d` for
    /// IPv4-compatible and IPv4-mapped addresses.
    static func ipv6Text(_ a: [UInt8]) -> String {
        guard a.count == 16 else { return "" }
        let words = (0..<8).map { UInt16(a[2 * $0]) << 8 | UInt16(a[2 * $0 + 1]) }
        var best = (base: -1, length: 0), current = (base: -1, length: 0)
        for i in 0..<8 {
            if words[i] == 0 {
                current = current.base == -1 ? (i, 1) : (current.base, current.length + 1)
                if current.length > best.length { best = current }
            } else {
                current = (-1, 0)
            }
        }
        if best.length < 2 { best = (-1, 0) }
        var text = ""
        var i = 0
        while i < 8 {
            if best.base != -1 && i >= best.base && i < best.base + best.length {
                if i == best.base { text += ":" }
                i += 1
                continue
            }
            if i != 0 { text += ":" }
            if i == 6 && best.base == 0 && (best.length == 6 || (best.length == 5 && words[5] == 0xFFFF)) {
                text += a[12..<16].map(String.init).joined(separator: ".")
                break
            }
            text += String(words[i], radix: 16)
            i += 1
        }
        if best.base != -1 && best.base + best.length == 8 { text += ":" }
        return text
    }
}
