package io.rivet.core.internal.util;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The process's peak resident memory, for the run history. */
public final class ProcessMemory {
    private static final Path STATUS = Path.of("/proc/self/status");

    private ProcessMemory() {
    }

    /**
     * The peak resident set size of this process in bytes ({@code VmHWM} on Linux), or the heap in use where the
     * operating system does not say (0 when even that fails).
     */
    public static long peakRssBytes() {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith("VmHWM:")) {
                    String kb = line.substring(6).trim().split("\\s+")[0];
                    return Long.parseLong(kb) * 1024;
                }
            }
        } catch (IOException | RuntimeException notLinux) {
            // fall through
        }
        Runtime rt = Runtime.getRuntime();
        return Math.max(0, rt.totalMemory() - rt.freeMemory());
    }
}
