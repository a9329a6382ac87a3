package io.usersync.processor.topology;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.errors.SerializationException;

/**
 * Reads what {@link BinaryWriter} wrote, checking every length against the bytes left. A problem is a
 * {@link SerializationException} that says where and what, never the bytes themselves (they hold
 * personal data).
 */
final class BinaryReader {

    private final byte[] bytes;
    private int position;

    BinaryReader(byte[] bytes, int position) {
        this.bytes = bytes;
        this.position = position;
    }

    int readByte() {
        require(1);
        return bytes[position++] & 0xFF;
    }

    long readVarLong() {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = readByte();
            value |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw corrupt("varint longer than 10 bytes at byte " + position);
    }

    long readZigZag() {
        long value = readVarLong();
        return (value >>> 1) ^ -(value & 1);
    }

    /** A count of items that follow, each at least one byte long. */
    int readCount() {
        long count = readVarLong();
        if (count < 0 || count > remaining()) {
            throw corrupt("count " + count + " at byte " + position + " exceeds the " + remaining() + " bytes left");
        }
        return (int) count;
    }

    String readString() {
        return readString(null);
    }

    /** Reads a string; a {@link BinaryWriter#SAME} tag stands for {@code reference}. */
    String readString(String reference) {
        long tag = readVarLong();
        if (tag == BinaryWriter.NULL) {
            return null;
        }
        if (tag == BinaryWriter.SAME) {
            return reference;
        }
        if (tag == BinaryWriter.UTF16) {
            long length = readVarLong();
            if (length < 0 || length > remaining() / 2) {
                throw corrupt("string of " + length + " chars at byte " + position + " exceeds the " + remaining()
                        + " bytes left");
            }
            char[] chars = new char[(int) length];
            for (int i = 0; i < chars.length; i++) {
                chars[i] = (char) ((bytes[position] & 0xFF) << 8 | bytes[position + 1] & 0xFF);
                position += 2;
            }
            return new String(chars);
        }
        long length = tag - BinaryWriter.UTF8;
        if (length < 0 || length > remaining()) {
            throw corrupt("string of " + length + " bytes at byte " + position + " exceeds the " + remaining()
                    + " bytes left");
        }
        String value = new String(bytes, position, (int) length, StandardCharsets.UTF_8);
        position += (int) length;
        return value;
    }

    /** Fails unless every byte was read: trailing bytes mean the value is not what the reader thinks it is. */
    void end() {
        if (remaining() != 0) {
            throw corrupt(remaining() + " unread bytes after byte " + position);
        }
    }

    private int remaining() {
        return bytes.length - position;
    }

    private void require(int count) {
        if (remaining() < count) {
            throw corrupt("truncated at byte " + position + " of " + bytes.length);
        }
    }

    static SerializationException corrupt(String problem) {
        return new SerializationException(problem);
    }
}
