// libFuzzer's driver, linked by -sanitize=fuzzer. SwiftPM gives every executable a Swift `main` (renamed
// for its test discovery), which shadows libFuzzer's own `main`, so each target's main calls this.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*UserCb)(const uint8_t *Data, size_t Size));
