package im.sotto.protocol.store;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** One transaction's view of a {@link MemoryState}; dead once the transaction ends. */
final class MemoryStores implements Stores {
    private final MemoryState s;
    private boolean ended;

    MemoryStores(MemoryState state) {
        this.s = state;
    }

    void end() {
        ended = true;
    }

    private MemoryState state() {
        if (ended) {
            throw new IllegalStateException("store view used outside its transaction");
        }
        return s;
    }

    private static Optional<byte[]> copyOut(byte[] record) {
        return Optional.ofNullable(record).map(byte[]::clone);
    }

    @Override
    public IdentityStore identities() {
        return new IdentityStore() {
            @Override
            public Optional<byte[]> localIdentity() {
                return copyOut(state().localIdentity);
            }

            @Override
            public void storeLocalIdentity(byte[] record) {
                state().localIdentity = Records.checkedCopy(record);
            }

            @Override
            public Optional<byte[]> peerTrust(String peerAccount) {
                return copyOut(state().peerTrust().get(SessionAddress.checkPeer(peerAccount)));
            }

            @Override
            public void storePeerTrust(String peerAccount, byte[] record) {
                state().peerTrustForWrite().put(SessionAddress.checkPeer(peerAccount), Records.checkedCopy(record));
            }
        };
    }

    @Override
    public SessionStore sessions() {
        return new SessionStore() {
            @Override
            public Optional<byte[]> load(SessionAddress address) {
                return copyOut(state().sessions().get(Objects.requireNonNull(address)));
            }

            @Override
            public void store(SessionAddress address, byte[] record) {
                state().sessionsForWrite().put(Objects.requireNonNull(address), Records.checkedCopy(record));
            }

            @Override
            public boolean delete(SessionAddress address) {
                return state().sessionsForWrite().remove(Objects.requireNonNull(address)) != null;
            }

            @Override
            public List<SessionAddress> devices(String peerAccount) {
                SessionAddress.checkPeer(peerAccount);
                List<SessionAddress> out = new ArrayList<>();
                for (SessionAddress a : state().sessions().keySet()) {
                    if (a.peer().equals(peerAccount)) {
                        out.add(a);
                    }
                }
                return out;
            }

            @Override
            public List<SessionAddress> addresses() {
                return new ArrayList<>(state().sessions().keySet());
            }
        };
    }

    @Override
    public PreKeyStore preKeys() {
        return new PreKeyStore() {
            @Override
            public Optional<byte[]> load(PreKeyKind kind, long id) {
                MemoryState.PreKey k = state().preKeys(Objects.requireNonNull(kind)).get(id);
                return copyOut(k == null ? null : k.record());
            }

            @Override
            public void store(PreKeyKind kind, long id, byte[] record, Instant deleteAfter) {
                state().preKeysForWrite().get(Objects.requireNonNull(kind)).put(id,
                        new MemoryState.PreKey(Records.checkedCopy(record), Objects.requireNonNull(deleteAfter)));
            }

            @Override
            public boolean remove(PreKeyKind kind, long id) {
                return state().preKeysForWrite().get(Objects.requireNonNull(kind)).remove(id) != null;
            }

            @Override
            public List<Long> ids(PreKeyKind kind) {
                return new ArrayList<>(state().preKeys(Objects.requireNonNull(kind)).keySet());
            }

            @Override
            public int removeExpired(Instant now) {
                Objects.requireNonNull(now);
                int removed = 0;
                for (Map<Long, MemoryState.PreKey> byId : state().preKeysForWrite().values()) {
                    int before = byId.size();
                    byId.values().removeIf(k -> k.deleteAfter().isBefore(now));
                    removed += before - byId.size();
                }
                return removed;
            }
        };
    }

    @Override
    public ReplayCache replayCache() {
        return new ReplayCache() {
            @Override
            public boolean addIfAbsent(byte[] entry, Instant expiresAt) {
                Objects.requireNonNull(expiresAt);
                return state().replayAddIfAbsent(key(entry), expiresAt);
            }

            @Override
            public boolean contains(byte[] entry) {
                return state().replay().containsKey(key(entry));
            }

            @Override
            public int purgeExpired(Instant now) {
                Objects.requireNonNull(now);
                return state().replayPurgeExpired(now);
            }

            private ByteBuffer key(byte[] entry) {
                Objects.requireNonNull(entry, "entry");
                if (entry.length == 0 || entry.length > MAX_ENTRY_LENGTH) {
                    throw new IllegalArgumentException("replay entry must be 1.." + MAX_ENTRY_LENGTH + " bytes");
                }
                return ByteBuffer.wrap(entry.clone());
            }
        };
    }

    @Override
    public RetainedSecretStore retainedSecrets() {
        return new RetainedSecretStore() {
            @Override
            public Optional<byte[]> load(SessionAddress address) {
                return copyOut(state().retained().get(Objects.requireNonNull(address)));
            }

            @Override
            public void store(SessionAddress address, byte[] record) {
                state().retainedForWrite().put(Objects.requireNonNull(address), Records.checkedCopy(record));
            }

            @Override
            public boolean delete(SessionAddress address) {
                return state().retainedForWrite().remove(Objects.requireNonNull(address)) != null;
            }

            @Override
            public List<SessionAddress> addresses() {
                return new ArrayList<>(state().retained().keySet());
            }
        };
    }

    @Override
    public OutboundQueue outboundQueue() {
        return new OutboundQueue() {
            @Override
            public long enqueue(String peerAccount, byte[] stanza) {
                MemoryState st = state();
                long id = st.lastQueueId + 1;
                st.queueForWrite().put(id, new QueuedStanza(id, peerAccount, stanza));
                st.lastQueueId = id;
                return id;
            }

            @Override
            public List<QueuedStanza> pending(String peerAccount) {
                SessionAddress.checkPeer(peerAccount);
                List<QueuedStanza> out = new ArrayList<>();
                for (QueuedStanza q : state().queue().values()) {
                    if (q.peerAccount().equals(peerAccount)) {
                        out.add(q);
                    }
                }
                return out;
            }

            @Override
            public List<String> peers() {
                java.util.LinkedHashSet<String> out = new java.util.LinkedHashSet<>();
                state().queue().values().forEach(q -> out.add(q.peerAccount()));
                return List.copyOf(out);
            }

            @Override
            public boolean replace(long id, byte[] stanza) {
                QueuedStanza old = state().queue().get(id);
                if (old == null) {
                    return false;
                }
                state().queueForWrite().put(id, new QueuedStanza(id, old.peerAccount(), stanza));
                return true;
            }

            @Override
            public boolean remove(long id) {
                return state().queueForWrite().remove(id) != null;
            }
        };
    }

    @Override
    public MessageLog messageLog() {
        return new MessageLog() {
            @Override
            public long append(LogEntry entry) {
                Objects.requireNonNull(entry, "entry");
                return state().appendLog(entry);
            }

            @Override
            public List<Logged> read(long afterSequence, int limit) {
                if (limit < 0) {
                    throw new IllegalArgumentException("limit must not be negative");
                }
                List<Logged> out = new ArrayList<>();
                for (Map.Entry<Long, LogEntry> e : state().log().tailMap(afterSequence, false).entrySet()) {
                    if (out.size() == limit) {
                        break;
                    }
                    out.add(new Logged(e.getKey(), e.getValue()));
                }
                return out;
            }
        };
    }

    @Override
    public RestoreCounter restoreCounter() {
        return new RestoreCounter() {
            @Override
            public long value() {
                return state().restoreCounter;
            }

            @Override
            public void advanceTo(long value) {
                MemoryState st = state();
                if (value < st.restoreCounter) {
                    throw new IllegalArgumentException("restore counter only grows");
                }
                st.restoreCounter = value;
            }
        };
    }

    @Override
    public ArchiveCursor archiveCursor() {
        return new ArchiveCursor() {
            @Override
            public Optional<byte[]> load() {
                return copyOut(state().archiveCursor);
            }

            @Override
            public void store(byte[] cursor) {
                state().archiveCursor = Records.checkedCopy(cursor);
            }
        };
    }

    @Override
    public ContactStore contacts() {
        return new ContactStore() {
            @Override
            public Optional<byte[]> load(String peerAccount) {
                return state().client().contact(peerAccount);
            }

            @Override
            public void store(String peerAccount, byte[] record) {
                state().clientForWrite().storeContact(peerAccount, record);
            }

            @Override
            public boolean delete(String peerAccount) {
                return state().clientForWrite().deleteContact(peerAccount);
            }

            @Override
            public List<String> peers() {
                return state().client().peers();
            }
        };
    }

    @Override
    public ConversationLog conversations() {
        return new ConversationLog() {
            @Override
            public long append(String peerAccount, String messageId, byte[] record) {
                return state().clientForWrite().append(peerAccount, messageId, record);
            }

            @Override
            public boolean replace(String peerAccount, String messageId, byte[] record) {
                return state().clientForWrite().replace(peerAccount, messageId, record);
            }

            @Override
            public Optional<byte[]> find(String peerAccount, String messageId) {
                return state().client().find(peerAccount, messageId);
            }

            @Override
            public List<Entry> recent(String peerAccount, int limit) {
                return state().client().recent(peerAccount, limit);
            }
        };
    }

    @Override
    public PeerDeviceStore peerDevices() {
        return new PeerDeviceStore() {
            @Override
            public Optional<byte[]> load(String account) {
                return state().client().peerDevices(account);
            }

            @Override
            public void store(String account, byte[] record) {
                state().clientForWrite().storePeerDevices(account, record);
            }
        };
    }

    @Override
    public im.sotto.protocol.omemo.OmemoStores omemo() {
        return new MemoryOmemoStores(this::state);
    }

    @Override
    public im.sotto.protocol.omemo.OmemoStores omemo2() {
        return new MemoryOmemoStores(() -> state().omemo2(), () -> state().omemo2ForWrite());
    }
}
