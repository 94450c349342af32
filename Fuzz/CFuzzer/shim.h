// libFuzzer's own driver, for an executable whose main is its own (SwiftPM renames an
// executable module's entry point, so libFuzzer's main cannot be the one that runs).
#include <stddef.h>
#include <stdint.h>
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*UserCb)(const uint8_t *Data, size_t Size));
