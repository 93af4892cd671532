extension MachineDescription {
    /// A `-device`: one of ``MachineRules/deviceDrivers``, with that driver's allowed
    /// properties (`drive=` names a drive of the description, `netdev=` a netdev).
    public struct Device: Sendable, Equatable {
        /// The device model (`virtio-blk-pci`).
        public var driver: String
        /// Properties of ``MachineRules/deviceDrivers`` for the driver.
        public var properties = QemuKeyValues(pairs: [])

        /// A `driver` device with `properties`.
        public init(driver: String, properties: QemuKeyValues = QemuKeyValues(pairs: [])) {
            self.driver = driver
            self.properties = properties
        }
    }
}
