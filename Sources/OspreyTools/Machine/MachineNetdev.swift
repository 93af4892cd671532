extension MachineDescription {
    /// A network back end (`-netdev`). Only QEMU's user-mode network, with the settings of
    /// ``MachineRules/netdevSettings`` (none that forwards ports, runs commands or serves host
    /// directories); a recording puts QEMU's `filter-replay` on each.
    public struct Netdev: Sendable, Equatable {
        /// The id a device's `netdev=` names.
        public var id: String
        /// Always `user` once checked.
        public var type: String
        /// Settings of ``MachineRules/netdevSettings``.
        public var options = QemuKeyValues(pairs: [])

        /// A netdev of `type` with `options`.
        public init(id: String, type: String, options: QemuKeyValues = QemuKeyValues(pairs: [])) {
            self.id = id
            self.type = type
            self.options = options
        }
    }
}
