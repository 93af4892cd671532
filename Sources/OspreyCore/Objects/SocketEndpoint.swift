/// The addresses of a socket, read from its `struct sock` (`sock_common`).
public struct SocketEndpoint: Equatable, Sendable {
    /// `AF_UNIX` 1, `AF_INET` 2, `AF_INET6` 10.
    public var family: Int
    /// IPv4 addresses in network byte order as the kernel keeps them; ports in host order.
    public var localAddress: UInt32
    public var localPort: Int
    public var remoteAddress: UInt32
    public var remotePort: Int

    public init(family: Int, localAddress: UInt32 = 0, localPort: Int = 0, remoteAddress: UInt32 = 0, remotePort: Int = 0) {
        self.family = family
        self.localAddress = localAddress
        self.localPort = localPort
        self.remoteAddress = remoteAddress
        self.remotePort = remotePort
    }

    public static let unix = 1, inet = 2, inet6 = 10

    /// `a.b.c.d` for an address as the kernel keeps it (network order in memory).
    public static func dotted(_ address: UInt32) -> String {
        "\(address & 0xFF).\((address >> 8) & 0xFF).\((address >> 16) & 0xFF).\(address >> 24)"
    }

    public var local: String { "\(Self.dotted(localAddress)):\(localPort)" }
    public var remote: String { "\(Self.dotted(remoteAddress)):\(remotePort)" }
}
