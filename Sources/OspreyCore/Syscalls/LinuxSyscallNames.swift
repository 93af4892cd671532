/// Linux system-call names per ABI, generated from linux-libc-dev headers.
public enum LinuxSyscallNames {}
