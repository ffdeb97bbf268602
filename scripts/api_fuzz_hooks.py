"""Schemathesis hooks for scripts/api-fuzz.

- Photo bytes (`PATCH /api/photos/{id}`) are sent as `application/offset+octet-stream`, the tus
  media type, which schemathesis cannot generate by itself: any bytes will do.
- A push names the pushing device; one made up by the fuzzer is always refused (403) before
  anything else is looked at, so string device ids are replaced by the signed-in device's id
  (DUDAO_FUZZ_DEVICE) to let the fuzz reach the mutations themselves.
"""

import os

import schemathesis
from hypothesis import strategies as st

schemathesis.openapi.media_type("application/offset+octet-stream", st.binary(max_size=4096))

DEVICE = os.environ.get("DUDAO_FUZZ_DEVICE")


@schemathesis.hook
def map_body(ctx, body):
    operation = getattr(ctx, "operation", None)
    if (
        DEVICE
        and operation is not None
        and operation.path == "/api/sync/push"
        and isinstance(body, dict)
        and isinstance(body.get("device_id"), str)
    ):
        body = dict(body, device_id=DEVICE)
    return body
