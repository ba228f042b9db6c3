package dev.kpam.testing.fuzz;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * A bounded mutation fuzzer: each case is a seed of the target, mutated a few times (bit flips,
 * byte changes, insertions, deletions, duplicated or spliced runs, interesting lengths), or now and
 * then random bytes. Not coverage-guided; it finds what malformed and truncated variants of valid
 * inputs find, deterministically for a given random seed.
 *
 * <pre>{@code
 * FuzzReport report = new Fuzzer(42).run(target, 20_000, Duration.ofSeconds(3));
 * assertThat(report.clean()).as(report.toString()).isTrue();
 * }</pre>
 */
public final class Fuzzer {
  private static final int MAX_INPUT = 4096;
  private static final byte[] INTERESTING = {
    0, 1, 0x7e, 0x7f, (byte) 0x80, (byte) 0xfe, (byte) 0xff, '\r', '\n', ':', ' ', '"', '{', '}'
  };

  private final long seed;

  public Fuzzer(long seed) {
    this.seed = seed;
  }

  /** Runs {@code target} until {@code maxCases} cases ran or {@code maxTime} passed. */
  public FuzzReport run(FuzzTarget target, long maxCases, Duration maxTime) {
    Random random = new Random(seed ^ target.name().hashCode());
    List<byte[]> seeds = target.seeds().isEmpty() ? List.of(new byte[0]) : target.seeds();
    long start = System.nanoTime();
    long deadline = start + maxTime.toNanos();
    Findings findings = new Findings();
    while (findings.cases() < maxCases
        && (findings.cases() % 64 != 0 || System.nanoTime() < deadline)) {
      // The seeds themselves first, then mutants.
      long cases = findings.cases();
      byte[] data = cases < seeds.size() ? seeds.get((int) cases) : mutant(random, seeds, cases);
      findings.run(target, data);
    }
    return findings.report(target.name(), 0, Duration.ofNanos(System.nanoTime() - start));
  }

  private static byte[] mutant(Random random, List<byte[]> seeds, long cases) {
    if (cases % 16 == 0) {
      byte[] noise = new byte[random.nextInt(256)];
      random.nextBytes(noise);
      return noise;
    }
    byte[] data = seeds.get(random.nextInt(seeds.size())).clone();
    int mutations = 1 + random.nextInt(4);
    for (int m = 0; m < mutations; m++) {
      data = mutate(random, data, seeds);
    }
    return data.length > MAX_INPUT ? Arrays.copyOf(data, MAX_INPUT) : data;
  }

  private static byte[] mutate(Random random, byte[] data, List<byte[]> seeds) {
    int n = data.length;
    switch (random.nextInt(8)) {
      case 0 -> {
        if (n > 0) {
          data[random.nextInt(n)] ^= (byte) (1 << random.nextInt(8));
        }
        return data;
      }
      case 1 -> {
        if (n > 0) {
          data[random.nextInt(n)] = INTERESTING[random.nextInt(INTERESTING.length)];
        }
        return data;
      }
      case 2 -> {
        if (n > 0) {
          data[random.nextInt(n)] = (byte) random.nextInt(256);
        }
        return data;
      }
      case 3 -> {
        // Insert a few bytes.
        int at = random.nextInt(n + 1);
        byte[] inserted = new byte[1 + random.nextInt(8)];
        random.nextBytes(inserted);
        return splice(data, at, at, inserted);
      }
      case 4 -> {
        // Delete a run, or cut the input short.
        if (n == 0) {
          return data;
        }
        int at = random.nextInt(n);
        int end = random.nextBoolean() ? n : Math.min(n, at + 1 + random.nextInt(16));
        return splice(data, at, end, new byte[0]);
      }
      case 5 -> {
        // Duplicate a run.
        if (n == 0) {
          return data;
        }
        int at = random.nextInt(n);
        int end = Math.min(n, at + 1 + random.nextInt(64));
        return splice(data, end, end, Arrays.copyOfRange(data, at, end));
      }
      case 6 -> {
        // Splice in part of another seed.
        byte[] other = seeds.get(random.nextInt(seeds.size()));
        if (other.length == 0) {
          return data;
        }
        int from = random.nextInt(other.length);
        int to = from + random.nextInt(other.length - from + 1);
        int at = random.nextInt(n + 1);
        return splice(data, at, at, Arrays.copyOfRange(other, from, to));
      }
      default -> {
        // A big-endian length-like value somewhere.
        if (n < 2) {
          return data;
        }
        int at = random.nextInt(n - 1);
        int value = random.nextBoolean() ? 0xffff : random.nextInt(0x10000);
        data[at] = (byte) (value >> 8);
        data[at + 1] = (byte) value;
        return data;
      }
    }
  }

  private static byte[] splice(byte[] data, int from, int to, byte[] inserted) {
    byte[] out = new byte[data.length - (to - from) + inserted.length];
    System.arraycopy(data, 0, out, 0, from);
    System.arraycopy(inserted, 0, out, from, inserted.length);
    System.arraycopy(data, to, out, from + inserted.length, data.length - to);
    return out;
  }
}
