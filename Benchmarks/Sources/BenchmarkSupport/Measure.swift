#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Monotonic time in nanoseconds (`CLOCK_MONOTONIC`), cheap enough to read around every commit.
@inline(__always)
public func monotonicNanoseconds() -> UInt64 {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
}

/// CPU time of the whole process, every thread, user and system (`CLOCK_PROCESS_CPUTIME_ID`), in nanoseconds.
/// On a shared, noisy machine the CPU a system spends per record is steadier than its wall-clock rate.
@inline(__always)
public func processCPUNanoseconds() -> UInt64 {
    var time = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
    return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
}

/// Order statistics over samples.
public enum Statistics {
    /// The median (mean of the two middle values for an even count); 0 for no samples.
    public static func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// The `p`-th percentile (0...100) by nearest rank; 0 for no samples.
    public static func percentile(_ values: [Double], _ p: Double) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }
}

/// Figures of the current process from `/proc/self/status` (Linux), in bytes; 0 where unavailable.
public struct ProcessMemory: Sendable, Codable {
    /// `RssAnon`: resident anonymous memory, the heap (and stacks); what W7 measures.
    public var residentAnonymous: Int
    /// `RssFile`: resident file-backed pages, the LMDB map among them (page cache, not heap).
    public var residentFile: Int
    /// `VmHWM`: peak resident set size, anonymous and file together.
    public var peakResident: Int

    /// Reads the current figures.
    public static func current() -> ProcessMemory {
        var memory = ProcessMemory(residentAnonymous: 0, residentFile: 0, peakResident: 0)
        guard let file = fopen("/proc/self/status", "r") else { return memory }
        defer { fclose(file) }
        var line = [CChar](repeating: 0, count: 256)
        while fgets(&line, Int32(line.count), file) != nil {
            let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            func kilobytes() -> Int {
                Int(text.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "0").map { $0 * 1024 } ?? 0
            }
            if text.hasPrefix("RssAnon:") { memory.residentAnonymous = kilobytes() }
            else if text.hasPrefix("RssFile:") { memory.residentFile = kilobytes() }
            else if text.hasPrefix("VmHWM:") { memory.peakResident = kilobytes() }
        }
        return memory
    }
}

/// Disk use of a directory tree: allocated bytes (`st_blocks`, what `du` shows; LMDB's map is sparse) and
/// apparent bytes (`st_size`).
public struct DiskUsage: Sendable, Codable {
    /// Bytes allocated on disk.
    public var allocated: Int
    /// Sum of file lengths.
    public var apparent: Int

    /// Measures every regular file under `path` (one level of subdirectories is enough for the stores here).
    public static func of(_ path: String) -> DiskUsage {
        var usage = DiskUsage(allocated: 0, apparent: 0)
        add(path, to: &usage, depth: 0)
        return usage
    }

    private static func add(_ path: String, to usage: inout DiskUsage, depth: Int) {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        if (info.st_mode & S_IFMT) == S_IFREG {
            usage.allocated += Int(info.st_blocks) * 512
            usage.apparent += Int(info.st_size)
            return
        }
        guard (info.st_mode & S_IFMT) == S_IFDIR, depth < 4, let dir = opendir(path) else { return }
        defer { closedir(dir) }
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name == "." || name == ".." { continue }
            add(path + "/" + name, to: &usage, depth: depth + 1)
        }
    }
}
