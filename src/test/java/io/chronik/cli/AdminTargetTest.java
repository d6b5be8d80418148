package io.chronik.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class AdminTargetTest {

    @Test
    void theGuidesGrepRecipeOnAnAppendedLogGivesTheLatestKey() {
        assertEquals("abc", AdminTarget.keyFrom("abc"));
        assertEquals("abc", AdminTarget.keyFrom("  abc\n"));
        // grep "Admin API key" node1.log | awk '{print $NF}' after three starts of the node
        assertEquals("k2", AdminTarget.keyFrom("k1\nk1\nk2"));
        assertNull(AdminTarget.keyFrom(" \n"));
        assertNull(AdminTarget.keyFrom(null));
    }
}
