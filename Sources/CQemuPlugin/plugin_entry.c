// The two symbols QEMU looks up in a plugin, and Osprey's small C shims.
#include "CQemuPlugin.h"

#include <string.h>

#define OSPREY_EXPORT __attribute__((visibility("default")))

/// Plugin API version Osprey is written against (QEMU 10.0 accepts 2..4).
OSPREY_EXPORT int qemu_plugin_version = 4;

OSPREY_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc, char **argv) {
    return osprey_swift_plugin_install(id, info, argc, argv);
}

// One scratch glib byte array per vCPU thread; created on first use on that thread.
static __thread osprey_g_byte_array *osprey_scratch;

static osprey_g_byte_array *osprey_scratch_array(void) {
    if (osprey_scratch == NULL) {
        osprey_scratch = g_byte_array_new();
    }
    g_byte_array_set_size(osprey_scratch, 0);
    return osprey_scratch;
}

bool osprey_read_register_u64(struct qemu_plugin_register *handle, uint64_t *value) {
    osprey_g_byte_array *buf = osprey_scratch_array();
    int size = qemu_plugin_read_register(handle, buf);
    if (size <= 0 || buf->len == 0) {
        return false;
    }
    uint64_t v = 0;
    unsigned int n = buf->len < 8 ? buf->len : 8;
    for (unsigned int i = 0; i < n; i++) {
        v |= (uint64_t)buf->data[i] << (8 * i);
    }
    *value = v;
    return true;
}

bool osprey_read_memory(uint64_t addr, void *dest, size_t len) {
    if (len == 0) {
        return true;
    }
    osprey_g_byte_array *buf = osprey_scratch_array();
    if (!qemu_plugin_read_memory_vaddr(addr, buf, len) || buf->len < len) {
        return false;
    }
    memcpy(dest, buf->data, len);
    return true;
}

size_t osprey_get_registers(qemu_plugin_reg_descriptor *out, size_t max) {
    osprey_g_array *regs = qemu_plugin_get_registers();
    if (regs == NULL) {
        return 0;
    }
    size_t n = regs->len;
    qemu_plugin_reg_descriptor *all = (qemu_plugin_reg_descriptor *)regs->data;
    for (size_t i = 0; i < n && i < max; i++) {
        out[i] = all[i];
    }
    // Names stay owned by QEMU; only the array is released.
    g_array_free(regs, 1);
    return n;
}
