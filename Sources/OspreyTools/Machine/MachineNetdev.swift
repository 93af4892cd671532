extension MachineDescription {
    /// A network back end (`-netdev`). Only QEMU's user-mode network, with the settings of
    /// ``MachineRules/netdevSettings`` (none that forwards ports, runs commands or serves host
    /// directories); a recording puts QEMU's `filter-replay` on each.
    public struct Netdev: Sendable, Equatable {
        public var id: String
        /// Always `user` once checked.
        public var type: String
        public var options = QemuKeyValues(pairs: [])

        public init(id: String, type: String, options: QemuKeyValues = QemuKeyValues(pairs: [])) {
            self.id = id
            self.type = type
            self.options = options
        }
    }
}
