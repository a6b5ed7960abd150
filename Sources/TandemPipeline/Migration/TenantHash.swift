/// The stable hash behind `cohort create --percent P [--seed S]`, reproducible by any application:
///
///     bucket(tenant) = FNV-1a 64 (offset 14695981039346656037, prime 1099511628211) of the UTF-8 bytes
///                      of SEED + ":" + TENANT, modulo 10000
///     the tenant is selected when bucket < P × 100   (P from 0 to 100, two decimals at most)
///
/// The default seed is the empty string (the hashed text is then ":" + TENANT). ops/ROUTING.md repeats this.
public enum TenantHash {
    /// FNV-1a 64 of `text`'s UTF-8 bytes.
    public static func fnv1a64(_ text: String) -> UInt64 {
        var h: UInt64 = 14_695_981_039_346_656_037
        for b in text.utf8 { h = (h ^ UInt64(b)) &* 1_099_511_628_211 }
        return h
    }

    /// The tenant's bucket, 0 ..< 10000.
    public static func bucket(_ tenant: String, seed: String = "") -> Int { Int(fnv1a64(seed + ":" + tenant) % 10_000) }

    /// Whether `--percent percent --seed seed` selects the tenant.
    public static func selects(_ tenant: String, percent: Double, seed: String = "") -> Bool {
        bucket(tenant, seed: seed) < Int((percent * 100).rounded())
    }
}
