/// Tests that find `socket` and `sock_common` fields.
extension LinuxProfileGraph {
    /// The socket (`struct sock *`) behind descriptor `fd` of the current task.
    static func sock(_ p: Probe<LinuxFacts>, fd: Int) -> UInt64? {
        guard let file = p.file(fd: fd), let socket = p.pointer(file, F.privateData) else { return nil }
        return p.pointer(socket, F.socketSK)
    }

    /// After accept/accept4: (new fd, listening fd).
    static func accepted(_ p: Probe<LinuxFacts>) -> (fd: Int, listener: Int)? {
        guard let previous = p.stop.previous, previous.name == "accept" || previous.name == "accept4",
              let result = previous.result, result >= 0
        else { return nil }
        return (Int(result), previous.int(0))
    }

    /// After accept/accept4 that filled in the peer's AF_INET address: (new fd, peer port, peer address).
    static func acceptedPeer(_ p: Probe<LinuxFacts>) -> (fd: Int, port: UInt16, address: UInt32)? {
        guard let (fd, _) = accepted(p), let (port, address) = LinuxFacts.inetAddress(p.stop.previous?.socketAddress ?? []) else { return nil }
        return (fd, port, address)
    }

    /// After connect to an AF_INET address: (fd, port, address).
    static func connected(_ p: Probe<LinuxFacts>) -> (fd: Int, port: UInt16, address: UInt32)? {
        guard let previous = p.stop.previous, previous.name == "connect", previous.result == 0 || previous.result == -115,
              let (port, address) = LinuxFacts.inetAddress(previous.socketAddress)
        else { return nil }
        return (previous.int(0), port, address)
    }

    /// Peer of a socket we know: from connect (the destination) or accept (the peer).
    static func peer(_ p: Probe<LinuxFacts>) -> (fd: Int, port: UInt16, address: UInt32)? {
        connected(p) ?? acceptedPeer(p)
    }

    /// After a successful bind of an AF_INET socket to one address (not INADDR_ANY): (fd,
    /// address). Until it connects, such a socket's local address is that one and its peer
    /// address is 0, which tells the two address fields apart where all traffic is
    /// 127.0.0.1 to 127.0.0.1 (a server bound to loopback, as local services are).
    static func boundAddress(_ p: Probe<LinuxFacts>) -> (fd: Int, address: UInt32)? {
        guard let previous = p.stop.previous, previous.name == "bind", previous.result == 0,
              let (_, address) = LinuxFacts.inetAddress(previous.socketAddress), address != 0
        else { return nil }
        return (previous.int(0), address)
    }

    static var socketTests: [Test] {
        [
            Test("socket", at: "a call after socket()",
                 fields: [Field(F.privateData, .range(0, 0x180, step: 8), sharesByValue: true), Field(F.socketSK, .range(0, 0x40, step: 8), sharesByValue: true),
                          Field(F.skcFamily, .range(0, 0x20, step: 2))],
                 needs: [F.currentTask, F.files, F.fdt, F.fdArray],
                 applies: { p in p.stop.previous?.name == "socket" && (p.stop.previous?.result ?? -1) >= 0 },
                 step: { p, level, o, values in
                     guard let previous = p.stop.previous, let fd = previous.result, let file = p.file(fd: Int(fd)) else { return .inapplicable }
                     switch level {
                     case 0:
                         // struct socket points back to its file.
                         guard let socket = p.pointer(at: p.at(file, o[0])),
                               stride(from: 0, to: 0x30, by: 8).contains(where: { p.memory.u64(p.at(socket, $0)) == file })
                         else { return .fail }
                         values[0] = socket
                         return .descend
                     case 1:
                         guard let sk = p.pointer(at: p.at(values[0], o[1])) else { return .fail }
                         values[1] = sk
                         return .descend
                     default:
                         return p.memory.u16(p.at(values[1], o[2])).map(UInt64.init) == previous.args[0] & 0xFFFF ? .descend : .fail
                     }
                 }),
            Test("skc_num", at: "a call by a process that bound an AF_INET socket to a port",
                 fields: [Field(F.skcNum, .range(0, 0x40, step: 2))], needs: [F.privateData, F.socketSK, F.skcFamily],
                 applies: { p in p.facts.image(p.stop).boundPorts.contains { $0.value != 0 } },
                 step: { p, _, o, _ in
                     var checked = 0
                     for (fd, port) in p.facts.image(p.stop).boundPorts where port != 0 {
                         guard let sk = sock(p, fd: fd) else { continue }
                         guard p.memory.u16(p.at(sk, o[0])) == port else { return .fail }
                         checked += 1
                     }
                     return checked > 0 ? .descend : .fail
                 }),
            Test("skc_dport", at: "a call after connect() to, or accept() from, an AF_INET peer",
                 fields: [Field(F.skcDport, .range(0, 0x40, step: 2))], needs: [F.privateData, F.socketSK, F.skcFamily],
                 agreeingStops: 1,
                 applies: { peer($0) != nil },
                 step: { p, _, o, _ in
                     guard let (fd, port, _) = peer(p), let sk = sock(p, fd: fd) else { return .fail }
                     return p.memory.u16(p.at(sk, o[0])) == port.byteSwapped ? .descend : .fail
                 }),
            Test("skc_daddr", at: "a call after connect() to, or accept() from, an AF_INET peer, or after bind() to an address",
                 fields: [Field(F.skcDaddr, .range(0, 0x40, step: 4))], needs: [F.privateData, F.socketSK, F.skcFamily],
                 agreeingStops: 1,
                 applies: { peer($0) != nil || boundAddress($0) != nil },
                 step: { p, _, o, _ in
                     if let (fd, _, address) = peer(p) {
                         guard let sk = sock(p, fd: fd) else { return .fail }
                         return p.memory.u32(p.at(sk, o[0])) == address ? .descend : .fail
                     }
                     guard let (fd, _) = boundAddress(p), let sk = sock(p, fd: fd) else { return .fail }
                     return p.memory.u32(p.at(sk, o[0])) == 0 ? .descend : .fail
                 }),
            Test("skc_rcv_saddr", at: "a call after accept() of a connection whose connect() was seen, or after bind() to an address",
                 fields: [Field(F.skcRcvSaddr, .range(0, 0x40, step: 4))], needs: [F.privateData, F.socketSK],
                 agreeingStops: 1,
                 applies: { p in
                     if boundAddress(p) != nil { return true }
                     // The accepted socket's local address is the one its client connected to
                     // (its port tells which connect: skc_num must be known for that).
                     guard p.offsets[F.skcNum] != nil, let a = accepted(p), let sk = sock(p, fd: a.fd), let port = p.memory.u16(p.at(sk, p.offset(F.skcNum))) else { return false }
                     return p.facts.connects.contains { $0.port == port }
                 },
                 step: { p, _, o, _ in
                     if let (fd, address) = boundAddress(p) {
                         guard let sk = sock(p, fd: fd) else { return .fail }
                         return p.memory.u32(p.at(sk, o[0])) == address ? .descend : .fail
                     }
                     // (its destination is the client's address, 127.0.0.1 when it connected to 127.0.0.2)
                     guard let a = accepted(p), let sk = sock(p, fd: a.fd),
                           let port = p.memory.u16(p.at(sk, p.offset(F.skcNum))),
                           let local = p.facts.connects.last(where: { $0.port == port })?.address
                     else { return .fail }
                     return p.memory.u32(p.at(sk, o[0])) == local ? .descend : .fail
                 }),
        ]
    }
}
