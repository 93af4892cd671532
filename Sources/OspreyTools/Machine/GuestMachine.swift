import Foundation
import OspreyCore

/// A guest directory's `guest.json` (format `osprey-guest/2`, written by the guest kit) read
/// as a ``MachineDescription``: strictly (``JSONFields``: every field typed, none unknown),
/// with the one path rule for its files and the header check for its disk. The kit writes
/// plain facts (architecture, machine type, CPU, memory, kernel, initramfs, disk, command
/// line); the machine around them (no default devices, no reboot, the disk as a virtio block
/// device, Osprey's console) is decided here. The QEMU binary follows from the architecture.
public enum GuestMachine {
    /// The file's name inside a guest directory.
    public static let fileName = "guest.json"
    /// The value of `format` the tools read.
    public static let formatName = "osprey-guest/2"

    /// The drive id of a disk guest's root disk (`/dev/vda`).
    public static let rootDriveID = "root"

    /// The checked description of the guest in `directory`, and the directory with its links
    /// resolved (QEMU's working directory). Throws one line naming the file and the field.
    public static func load(from directory: URL) throws -> (machine: MachineDescription, root: URL) {
        let file = directory.appendingPathComponent(fileName).path
        do throws(MachineProblem) {
            let root = try ContainedPath.root(directory)
            let machine = try description(of: try JSONDocument.read(fileName, in: root))
            do throws(MachineProblem) {
                return (try machine.contained(in: root), root)
            } catch {
                throw MachineProblem(field: guestField(error.field), reason: error.reason)
            }
        } catch {
            throw OspreyError(error.message(about: file))
        }
    }

    /// The `guest.json` field that holds a description's `field`.
    static func guestField(_ field: String) -> String {
        let names = ["type": "machine", "cpu.model": "cpu", "memory_mib": "memoryMiB"]
        if let name = names[field] { return name }
        return field.hasPrefix("drives[0]") || field.hasPrefix("devices[0]") ? "disk" : field
    }

    /// The description `guest.json`'s `document` says (files not yet resolved).
    static func description(of document: JSONValue) throws(MachineProblem) -> MachineDescription {
        var object = try JSONFields(document, at: "")
        let format = try object.requiredString("format", maxBytes: 64)
        guard format == formatName else {
            let older = format == "osprey-guest/1"
            throw MachineProblem(field: "format", reason: older
                ? "this guest was built by an older Osprey, whose guest.json holds a QEMU command line; rebuild the guest with `osprey guest build`"
                : "\(TextEscaping.token(format)) is not \(formatName)")
        }
        guard let architecture = try object.choice("architecture", of: Architecture.self) else {
            throw MachineProblem(field: "architecture", reason: "is missing")
        }
        var machine = MachineDescription(architecture: architecture)
        machine.machineType = try object.requiredString("machine", maxBytes: 64)
        machine.cpuModel = try object.string("cpu", maxBytes: 64)
        machine.memoryMiB = try object.int("memoryMiB", in: 1...MachineRules.maximumMemoryMiB)
        machine.kernel = try object.requiredString("kernel", maxBytes: 255)
        machine.initrd = try object.requiredString("initrd", maxBytes: 255)
        machine.append = try object.requiredString("append", maxBytes: MachineRules.maximumAppendBytes)
        machine.flags = [.nodefaults, .noReboot]
        if let disk = try object.string("disk", maxBytes: 255) {
            machine.drives = [MachineDescription.Drive(id: rootDriveID, file: disk, format: "qcow2", interface: .none)]
            machine.devices = [MachineDescription.Device(driver: "virtio-blk-pci", properties: QemuKeyValues(pairs: [("drive", rootDriveID)]))]
        }
        // What the guest is made of: checked for type only, not used to run it.
        for key in ["console", "kernelPackage", "kernelVersion", "scenario"] { _ = try object.string(key, maxBytes: 256) }
        for key in ["packages", "resolvedPackages"] { _ = try object.strings(key, max: 10_000, maxBytes: 256) }
        try object.finish()
        return machine
    }
}
