extension MachineDescription {
    /// A `-device`: one of ``MachineRules/deviceDrivers``, with that driver's allowed
    /// properties (`drive=` names a drive of the description, `netdev=` a netdev).
    public struct Device: Sendable, Equatable {
        public var driver: String
        public var properties = QemuKeyValues(pairs: [])

        public init(driver: String, properties: QemuKeyValues = QemuKeyValues(pairs: [])) {
            self.driver = driver
            self.properties = properties
        }
    }
}
