package dev.portkeep.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The reused packet arrays: the first length only, handed out again, never more than the cap kept.
 */
class SendBuffersTest {
  private final SendBuffers buffers = new SendBuffers(4);

  @Test
  void take_empty_isNull() {
    assertThat(buffers.take()).isNull();
  }

  @Test
  void give_thenTake_sameArrayBack() {
    byte[] array = new byte[32_900];
    buffers.give(array);
    assertThat(buffers.take()).isSameAs(array);
    assertThat(buffers.take()).isNull();
  }

  @Test
  void give_otherLengthThanTheFirst_isNotKept() {
    buffers.give(new byte[32_900]);
    buffers.take();
    buffers.give(new byte[32_901]);
    assertThat(buffers.take()).isNull();
  }

  @Test
  void give_beyondTheCap_keepsOnlyTheCap() {
    for (int i = 0; i < 10; i++) {
      buffers.give(new byte[100]);
    }
    assertThat(buffers.free()).isEqualTo(4);
  }
}
