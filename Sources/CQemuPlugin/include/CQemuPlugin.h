// Osprey's own declarations of the part of the QEMU 10.0 TCG plugin API that Osprey calls.
//
// QEMU ships no header package, and its header is GPL text, so these prototypes are written
// from the documented API (plugin API version 4, accepted by QEMU 10.0). The functions are
// resolved at load time from the QEMU process (QEMU opens the plugin with RTLD_NOW), as are
// the three glib functions below (glib is linked into QEMU).
#ifndef OSPREY_CQEMUPLUGIN_H
#define OSPREY_CQEMUPLUGIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

// ---- glib types QEMU hands us (layout of GArray / GByteArray: data pointer, then length) ----
typedef struct osprey_g_array {
    char *data;
    unsigned int len;
} osprey_g_array;

typedef struct osprey_g_byte_array {
    uint8_t *data;
    unsigned int len;
} osprey_g_byte_array;

osprey_g_byte_array *g_byte_array_new(void);
osprey_g_byte_array *g_byte_array_set_size(osprey_g_byte_array *array, unsigned int length);
char *g_array_free(osprey_g_array *array, int free_segment);

// ---- plugin API types ----
typedef uint64_t qemu_plugin_id_t;

/// What QEMU tells the plugin at install time (valid only during the install call).
typedef struct qemu_info_t {
    const char *target_name;
    struct {
        int min;
        int cur;
    } version;
    bool system_emulation;
    union {
        struct {
            int smp_vcpus;
            int max_vcpus;
        } system;
    };
} qemu_info_t;

struct qemu_plugin_tb;
struct qemu_plugin_insn;
struct qemu_plugin_register;

/// Whether an execution callback reads or writes CPU registers. Register reads from a
/// callback need at least QEMU_PLUGIN_CB_R_REGS, or the values are stale.
enum qemu_plugin_cb_flags {
    QEMU_PLUGIN_CB_NO_REGS = 0,
    QEMU_PLUGIN_CB_R_REGS = 1,
    QEMU_PLUGIN_CB_RW_REGS = 2,
};

/// One entry of the array returned by qemu_plugin_get_registers().
typedef struct qemu_plugin_reg_descriptor {
    struct qemu_plugin_register *handle;
    const char *name;
    const char *feature;
} qemu_plugin_reg_descriptor;

typedef void (*qemu_plugin_udata_cb_t)(qemu_plugin_id_t id, void *userdata);
typedef void (*qemu_plugin_vcpu_simple_cb_t)(qemu_plugin_id_t id, unsigned int vcpu_index);
typedef void (*qemu_plugin_vcpu_udata_cb_t)(unsigned int vcpu_index, void *userdata);
typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb);

// ---- plugin API functions (exported by the QEMU binary) ----
void qemu_plugin_register_vcpu_init_cb(qemu_plugin_id_t id, qemu_plugin_vcpu_simple_cb_t cb);
void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, qemu_plugin_vcpu_tb_trans_cb_t cb);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, qemu_plugin_udata_cb_t cb, void *userdata);
void qemu_plugin_register_vcpu_insn_exec_cb(struct qemu_plugin_insn *insn,
                                            qemu_plugin_vcpu_udata_cb_t cb,
                                            enum qemu_plugin_cb_flags flags, void *userdata);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
uint64_t qemu_plugin_tb_vaddr(const struct qemu_plugin_tb *tb);
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb, size_t idx);
/// Copies up to `len` bytes of the instruction's encoding into `dest`; returns the count copied.
size_t qemu_plugin_insn_data(const struct qemu_plugin_insn *insn, void *dest, size_t len);
size_t qemu_plugin_insn_size(const struct qemu_plugin_insn *insn);
uint64_t qemu_plugin_insn_vaddr(const struct qemu_plugin_insn *insn);
/// Returns a glib GArray of qemu_plugin_reg_descriptor; valid only on a vCPU thread.
osprey_g_array *qemu_plugin_get_registers(void);
/// Appends the register's bytes (target byte order) to `buf`; returns the size or -1.
int qemu_plugin_read_register(struct qemu_plugin_register *handle, osprey_g_byte_array *buf);
/// Reads guest virtual memory through the current vCPU's page tables; false if unmapped.
bool qemu_plugin_read_memory_vaddr(uint64_t addr, osprey_g_byte_array *data, size_t len);
void qemu_plugin_outs(const char *string);

// ---- memory access callbacks ----
/// Opaque description of one memory access (size, sign, store or load).
typedef uint32_t qemu_plugin_meminfo_t;
/// Which accesses a memory callback wants.
enum qemu_plugin_mem_rw {
    QEMU_PLUGIN_MEM_R = 1,
    QEMU_PLUGIN_MEM_W = 2,
    QEMU_PLUGIN_MEM_RW = 3,
};
typedef void (*qemu_plugin_vcpu_mem_cb_t)(unsigned int vcpu_index, qemu_plugin_meminfo_t info, uint64_t vaddr,
                                          void *userdata);
/// Calls `cb` after each access of kind `rw` the instruction makes, with the virtual address.
void qemu_plugin_register_vcpu_mem_cb(struct qemu_plugin_insn *insn, qemu_plugin_vcpu_mem_cb_t cb,
                                      enum qemu_plugin_cb_flags flags, enum qemu_plugin_mem_rw rw, void *userdata);

// ---- scoreboards and conditional callbacks (QEMU 9.1+) ----
struct qemu_plugin_scoreboard;

/// One per-vCPU u64 inside a scoreboard: the scoreboard and the byte offset in its element.
typedef struct qemu_plugin_u64 {
    struct qemu_plugin_scoreboard *score;
    size_t offset;
} qemu_plugin_u64;

/// The comparison of a conditional callback: `entry <cond> imm`.
enum qemu_plugin_cond {
    QEMU_PLUGIN_COND_NEVER,
    QEMU_PLUGIN_COND_ALWAYS,
    QEMU_PLUGIN_COND_EQ,
    QEMU_PLUGIN_COND_NE,
    QEMU_PLUGIN_COND_LT,
    QEMU_PLUGIN_COND_LE,
    QEMU_PLUGIN_COND_GT,
    QEMU_PLUGIN_COND_GE,
};

/// Allocates a scoreboard with one element of `element_size` bytes per vCPU.
struct qemu_plugin_scoreboard *qemu_plugin_scoreboard_new(size_t element_size);
void qemu_plugin_u64_set(qemu_plugin_u64 entry, unsigned int vcpu_index, uint64_t value);
uint64_t qemu_plugin_u64_get(qemu_plugin_u64 entry, unsigned int vcpu_index);
/// Calls `cb` when the block executes and the vCPU's `entry` compares true with `imm`; the
/// comparison is generated inline, so a false condition costs no call.
void qemu_plugin_register_vcpu_tb_exec_cond_cb(struct qemu_plugin_tb *tb, qemu_plugin_vcpu_udata_cb_t cb,
                                               enum qemu_plugin_cb_flags flags, enum qemu_plugin_cond cond,
                                               qemu_plugin_u64 entry, uint64_t imm, void *userdata);
int qemu_plugin_num_vcpus(void);

/// Operations an inline (generated, call-free) instrumentation can do on a scoreboard entry.
enum qemu_plugin_op {
    QEMU_PLUGIN_INLINE_ADD_U64,
    QEMU_PLUGIN_INLINE_STORE_U64,
};
/// Applies `op` with `imm` to the executing vCPU's `entry` each time the block starts.
void qemu_plugin_register_vcpu_tb_exec_inline_per_vcpu(struct qemu_plugin_tb *tb, enum qemu_plugin_op op,
                                                        qemu_plugin_u64 entry, uint64_t imm);
/// The sum of `entry` over all vCPUs.
uint64_t qemu_plugin_u64_sum(qemu_plugin_u64 entry);

// ---- Osprey's C shims (prefixed `osprey_`) ----

/// Implemented in Swift (OspreyPlugin) with @_cdecl: the real install. The exported
/// `qemu_plugin_install` forwards to it, so the exported symbol lives in C where its
/// visibility is certain.
int osprey_swift_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc, char **argv);

/// Reads a register of up to 8 bytes as a little-endian integer through a per-thread scratch
/// array. Exists because qemu_plugin_read_register appends to a glib array: resetting,
/// reading and decoding in C avoids three cross-language calls per register on the hot path.
/// Returns false when QEMU refuses the read.
bool osprey_read_register_u64(struct qemu_plugin_register *handle, uint64_t *value);

/// Reads `len` bytes of guest virtual memory into `dest` through a per-thread scratch array.
/// Exists for the same reason as osprey_read_register_u64. False when any byte is unmapped.
bool osprey_read_memory(uint64_t addr, void *dest, size_t len);

/// The register descriptors of the current vCPU (call on a vCPU thread, e.g. in vcpu_init).
/// Fills up to `max` entries and returns how many exist; frees QEMU's array.
size_t osprey_get_registers(qemu_plugin_reg_descriptor *out, size_t max);

#ifdef __cplusplus
}
#endif

#endif
