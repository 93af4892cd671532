extension MachineDescription {
    /// A disk or flash image of the machine. In a recording it is a file of the recording
    /// (`drives/ID.qcow2`, or `files/ID.fd` for read-only firmware), opened so that nothing is
    /// written to it (``MachineCommand``).
    public struct Drive: Sendable, Equatable {
        /// Where the guest sees the drive. `none` leaves it to a ``Device`` naming the id.
        public enum Interface: String, Sendable, CaseIterable {
            case virtio, ide, none, pflash
        }

        /// The drive's id (``MachineRules/identifier(_:)``): `-device ...,drive=ID` names it.
        public var id: String
        /// The image file (see ``MachineDescription`` for what paths are relative to).
        public var file: String
        /// The image format: `qcow2` or `raw` in a stored description; a user's command line
        /// may name any format `qemu-img` reads (the recording converts it), or none.
        public var format: String?
        public var interface: Interface
        /// Opened read-only (the guest sees a read-only disk).
        public var readonly = false
        /// `index=` and `unit=`: kept for flash (which unit is the code, which the variables).
        public var index: Int?
        public var unit: Int?
        /// `cache`, `discard`, `detect-zeroes` (``MachineRules/driveSettings``).
        public var options = QemuKeyValues(pairs: [])

        /// A drive with no index, unit or further settings.
        public init(id: String, file: String, format: String?, interface: Interface, readonly: Bool = false) {
            self.id = id
            self.file = file
            self.format = format
            self.interface = interface
            self.readonly = readonly
        }
    }
}
