package io.chronik.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.chronik.common.ErrorCode;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

class ErrorCodeTest {

    @Test
    void everyChronikErrorCodeHasKafkasNameForItsCode() {
        for (ErrorCode code : ErrorCode.values()) {
            assertEquals(code.name(), Errors.forCode(code.code()).name(), "code " + code.code());
        }
    }
}
