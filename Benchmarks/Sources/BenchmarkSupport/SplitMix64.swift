/// SplitMix64 (Steele, Lea, Flood 2014): a tiny, fast, seedable generator whose whole state is one `UInt64`.
///
/// Deterministic on every platform, unlike the system generator, so two runs of the harness (or the harness
/// and a micro benchmark) see byte-identical records.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// A generator that starts from `seed`.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    @inline(__always)
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return SplitMix64.mix(state)
    }

    /// SplitMix64's finaliser: a bijection on `UInt64` that scrambles every input bit into every output bit.
    /// Used on its own to turn a record index into a unique, random-looking id.
    @inline(__always)
    public static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A value in `0..<bound` (bound > 0). Slightly biased for huge bounds; irrelevant for test data.
    @inline(__always)
    public mutating func below(_ bound: Int) -> Int {
        Int(truncatingIfNeeded: next() % UInt64(bound))
    }

    /// An element of `items`.
    @inline(__always)
    public mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }

    /// `true` with probability `numerator / denominator`.
    @inline(__always)
    public mutating func chance(_ numerator: Int, in denominator: Int) -> Bool { below(denominator) < numerator }
}
