/// The line the plugin writes on QEMU's standard error with its instruction count (plugin
/// option `progress=SECONDS`): `osprey-progress N`. The plugin writes it and `osprey` reads
/// it, so both take the prefix from here.
public enum InstructionProgressLine {
    public static let prefix = "osprey-progress "
}
