/* ProcessPrng for wine 8 (Debian 12), which lacks bcryptprimitives.dll: Rust's std (1.78+)
 * takes its random numbers there on Windows. Built by scripts/wine/run with mingw; for the
 * unit tests under wine only, never shipped. RtlGenRandom (SystemFunction036) does the work. */
#include <windows.h>
BOOLEAN NTAPI SystemFunction036(PVOID buffer, ULONG length);
BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length) {
    while (length > 0) {
        ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk)) return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
