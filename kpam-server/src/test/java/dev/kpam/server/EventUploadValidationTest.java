package dev.kpam.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Malformed event batches from a gateway are refused as invalid, never as an internal error. */
@ParameterizedClass
@EnumSource(Backend.class)
class EventUploadValidationTest extends ServerTestBase {
  EventUploadValidationTest(Backend backend) {
    super(backend);
  }

  @Test
  void aNullEventInABatchIsAnInvalidArgumentNotAnInternalError() {
    // Found by the api-gateway-events fuzz target: {"events":[null]} answered 500.
    Fixtures.Enrolled dc1 = Fixtures.resourceWithAccount(server, "prod", "dc1");
    String id = Fixtures.openSession(server.admin, "prod", "admin", "1h");
    dc1.api()
        .post("/api/v1/gateway/sessions/" + id + "/events", "{\"events\":[null]}")
        .expectError(400, "invalid_argument");
  }
}
