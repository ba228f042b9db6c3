package dev.kpam.testing.kube;

/** A command running in a fake container; called on one thread (the channel's event loop). */
interface FakeProcess {
  /** Where a process writes; {@link #exit} ends it. */
  interface Io {
    void stdout(byte[] data);

    void stderr(byte[] data);

    void exit(int code);
  }

  void stdin(byte[] data);

  void stdinClosed();
}
