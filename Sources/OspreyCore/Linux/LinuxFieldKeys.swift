/// Names of the fields the Linux profile graph finds (the kernel's own `struct.member`).
public enum LinuxField {
    /// Where the current task pointer is: a per-CPU offset, or -1 for "SP_EL0" (AArch64).
    public static let currentTask = "percpu.current_task"
    public static let registerSPEL0 = -1

    public static let pid = "task_struct.pid", tgid = "task_struct.tgid", comm = "task_struct.comm"
    public static let tasks = "task_struct.tasks", realParent = "task_struct.real_parent", parent = "task_struct.parent"
    public static let groupLeader = "task_struct.group_leader", threadGroup = "task_struct.thread_group"
    public static let threadNode = "task_struct.thread_node"
    public static let mm = "task_struct.mm", activeMM = "task_struct.active_mm"
    public static let files = "task_struct.files", fs = "task_struct.fs"
    /// Named `__state` from Linux 5.14 on, `state` before; the graph uses this key and the
    /// profile writer renames it by the kernel version.
    public static let state = "task_struct.__state"
    public static let exitState = "task_struct.exit_state", exitCode = "task_struct.exit_code"
    public static let cred = "task_struct.cred", realCred = "task_struct.real_cred", startTime = "task_struct.start_time"
    public static let uid = "cred.uid", gid = "cred.gid", euid = "cred.euid", egid = "cred.egid"
    public static let pgd = "mm_struct.pgd", mmMT = "mm_struct.mm_mt", mmap = "mm_struct.mmap", maRoot = "maple_tree.ma_root"
    public static let argStart = "mm_struct.arg_start", argEnd = "mm_struct.arg_end"
    public static let envStart = "mm_struct.env_start", envEnd = "mm_struct.env_end"
    public static let startBrk = "mm_struct.start_brk", brk = "mm_struct.brk", startStack = "mm_struct.start_stack"
    public static let exeFile = "mm_struct.exe_file"
    public static let vmStart = "vm_area_struct.vm_start", vmEnd = "vm_area_struct.vm_end", vmFlags = "vm_area_struct.vm_flags"
    public static let vmFile = "vm_area_struct.vm_file", vmPgoff = "vm_area_struct.vm_pgoff", vmNext = "vm_area_struct.vm_next"
    public static let fdt = "files_struct.fdt", fdArray = "fdtable.fd", maxFDs = "fdtable.max_fds"
    public static let fPath = "file.f_path", fPos = "file.f_pos", fInode = "file.f_inode", fFlags = "file.f_flags"
    public static let fMode = "file.f_mode", privateData = "file.private_data"
    public static let pathMnt = "path.mnt", pathDentry = "path.dentry"
    public static let dName = "dentry.d_name", dParent = "dentry.d_parent", dInode = "dentry.d_inode"
    public static let qstrName = "qstr.name", qstrLen = "qstr.len"
    public static let mountMnt = "mount.mnt", mountParent = "mount.mnt_parent", mountMountpoint = "mount.mnt_mountpoint"
    public static let mntRoot = "vfsmount.mnt_root"
    public static let fsRoot = "fs_struct.root", fsPwd = "fs_struct.pwd"
    public static let socketSK = "socket.sk", skcFamily = "sock_common.skc_family", skcNum = "sock_common.skc_num"
    public static let skcDport = "sock_common.skc_dport", skcRcvSaddr = "sock_common.skc_rcv_saddr", skcDaddr = "sock_common.skc_daddr"
    public static let iIno = "inode.i_ino", iMode = "inode.i_mode"
}
