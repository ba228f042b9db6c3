package dev.kpam.server.ui;

/**
 * Thrown by {@link UiSession#principalForPost} when an admin's change needs a second factor first
 * (step-up); {@link UiKit#page} answers it with the form that asks, carrying the change's fields.
 */
final class StepUpRequired extends RuntimeException {
  StepUpRequired(String error) {
    super(error, null, false, false);
  }

  /** Why the last answer was refused, or null the first time. */
  String error() {
    return getMessage();
  }
}
