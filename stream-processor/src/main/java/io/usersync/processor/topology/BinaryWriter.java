package io.usersync.processor.topology;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Appends varints and strings to a growing byte array: the writing half of the compact state format
 * ({@link BinaryReader} reads it back).
 *
 * <p>A string starts with a varint tag: {@link #NULL}, {@link #SAME} (equal to a reference string the
 * reader also has, so it is not written twice), {@link #UTF16} (a char count, then each char in two bytes:
 * only for a string with an unpaired surrogate, which UTF-8 cannot carry), or {@link #UTF8} plus the
 * number of UTF-8 bytes that follow.
 */
final class BinaryWriter {

    static final int NULL = 0;
    static final int SAME = 1;
    static final int UTF16 = 2;
    static final int UTF8 = 3;

    private byte[] buffer;
    private int size;

    BinaryWriter(int capacity) {
        this.buffer = new byte[capacity];
    }

    void writeByte(int value) {
        ensure(1);
        buffer[size++] = (byte) value;
    }

    /** An unsigned LEB128 varint: seven bits a byte, low bits first. */
    void writeVarLong(long value) {
        ensure(10);
        while ((value & ~0x7FL) != 0) {
            buffer[size++] = (byte) ((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        buffer[size++] = (byte) value;
    }

    /** A signed value, zigzag-encoded so that small negative numbers stay short too. */
    void writeZigZag(long value) {
        writeVarLong((value << 1) ^ (value >> 63));
    }

    void writeString(String value) {
        writeString(value, null);
    }

    /** Writes {@code value}, or only a tag when it equals {@code reference}. */
    void writeString(String value, String reference) {
        if (value == null) {
            writeVarLong(NULL);
            return;
        }
        if (value.equals(reference)) {
            writeVarLong(SAME);
            return;
        }
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        if (mayHaveReplacedASurrogate(utf8) && hasUnpairedSurrogate(value)) {
            writeVarLong(UTF16);
            writeVarLong(value.length());
            ensure(2L * value.length());
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                buffer[size++] = (byte) (c >>> 8);
                buffer[size++] = (byte) c;
            }
            return;
        }
        writeVarLong(UTF8 + (long) utf8.length);
        ensure(utf8.length);
        System.arraycopy(utf8, 0, buffer, size, utf8.length);
        size += utf8.length;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buffer, size);
    }

    /** The JDK's UTF-8 encoder writes {@code ?} in place of an unpaired surrogate, without a word. */
    private static boolean mayHaveReplacedASurrogate(byte[] utf8) {
        for (byte b : utf8) {
            if (b == '?') {
                return true;
            }
        }
        return false;
    }

    /** Java strings may hold one (a JSON string can escape one), and UTF-8 cannot carry it. */
    private static boolean hasUnpairedSurrogate(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    private void ensure(long more) {
        long needed = size + more;
        if (needed > buffer.length) {
            if (needed > Integer.MAX_VALUE - 8) {
                throw new IllegalStateException("value too large for a byte array: " + needed + " bytes");
            }
            buffer = Arrays.copyOf(buffer, (int) Math.max(needed, Math.min(2L * buffer.length, Integer.MAX_VALUE - 8)));
        }
    }
}
