package dev.kpam.testing.fuzz;

import java.util.List;

/**
 * One thing to fuzz: a parser or a handler fed one input at a time. {@link #run} throws only for a
 * finding (a crash): the exceptions a target documents as its answer to bad input are caught in the
 * target itself. Buffers the target allocates or receives go through {@link FuzzInput#track} so
 * that the runner can count those still held after the case.
 *
 * <pre>{@code
 * FuzzTarget target = FuzzTarget.of("utf8", List.of(seed), in -> decoder.decode(in.remainingBytes()));
 * FuzzReport report = new Fuzzer(42).run(target, 10_000, Duration.ofSeconds(2));
 * }</pre>
 */
public interface FuzzTarget {
  /** A short name, printed in reports. */
  String name();

  /** Valid or nearly valid inputs that mutations start from. */
  List<byte[]> seeds();

  /** Feeds one input; throws only for a finding. */
  void run(FuzzInput input) throws Exception;

  /** A target built from its parts. */
  static FuzzTarget of(String name, List<byte[]> seeds, Body body) {
    return new FuzzTarget() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public List<byte[]> seeds() {
        return seeds;
      }

      @Override
      public void run(FuzzInput input) throws Exception {
        body.run(input);
      }
    };
  }

  /** The body of a target. */
  @FunctionalInterface
  interface Body {
    void run(FuzzInput input) throws Exception;
  }
}
