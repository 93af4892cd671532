#ifndef OSPREY_CLIBFUZZER_H
#define OSPREY_CLIBFUZZER_H
#include <stddef.h>
#include <stdint.h>

/// libFuzzer's driver entry (compiler-rt FuzzerInterface.h): runs the fuzzing loop with the
/// command-line flags in argc/argv, calling `callback` for each input.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
