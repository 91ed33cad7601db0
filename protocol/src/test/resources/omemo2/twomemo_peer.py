#!/usr/bin/python3
"""Test peer for Sotto's OMEMO 2 core: drives the Debian python-omemo 'twomemo' backend (python3-twomemo, MIT).

Written for Sotto's tests only; it is not product code. It speaks JSON lines on stdin/stdout:
  {"op": "bundle"}                                  -> {"device_id", "ik", "spk_id", "spk", "spks", "pks": [{"id", "key"}]}
  {"op": "encrypt", "jid", "device_id", "plaintext" (base64, absent for an empty message), "bundle" (when no session)}
                                                    -> {"kex": bool, "key": b64, "payload": b64 | null}
  {"op": "decrypt", "jid", "device_id", "kex", "key", "payload"}
                                                    -> {"plaintext": b64 | null} or {"error": "..."}
  {"op": "private_keys"}                            -> this device's private keys (for known-answer vectors only)
All binary values are base64. Usage: twomemo_peer.py BARE_JID DEVICE_ID
"""
import asyncio
import base64
import json
import sys

import omemo
from omemo.storage import Just, Maybe, Nothing, Storage
import twomemo
from twomemo.twomemo import (BundleImpl, ContentImpl, EncryptedKeyMaterialImpl, KeyExchangeImpl,
                             PlainKeyMaterialImpl)
import x3dh
import xeddsa


class MemoryStorage(Storage):
    def __init__(self):
        super().__init__(disable_cache=True)
        self.data = {}

    async def _load(self, key):
        return Just(self.data[key]) if key in self.data else Nothing()

    async def _store(self, key, value):
        self.data[key] = value

    async def _delete(self, key):
        self.data.pop(key, None)


def b64(data):
    return base64.b64encode(data).decode("ascii")


def unb64(text):
    return base64.b64decode(text)


class Peer:
    def __init__(self, jid, device_id):
        self.jid = jid
        self.device_id = device_id
        self.storage = MemoryStorage()
        self.backend = twomemo.Twomemo(self.storage)

    async def bundle(self):
        if await self.backend.get_num_visible_pre_keys() == 0:
            await self.backend.generate_pre_keys(100)
        bundle = await self.backend.get_bundle(self.jid, self.device_id)
        inner = bundle.bundle
        ids = bundle.pre_key_ids
        return {"device_id": self.device_id, "ik": b64(inner.identity_key), "spk_id": bundle.signed_pre_key_id,
                "spk": b64(inner.signed_pre_key), "spks": b64(inner.signed_pre_key_sig),
                "pks": [{"id": ids[k], "key": b64(k)} for k in sorted(inner.pre_keys, key=lambda k: ids[k])]}

    async def encrypt(self, req):
        if req.get("plaintext") is None:
            content, material = await self.backend.encrypt_empty()
        else:
            content, material = await self.backend.encrypt_plaintext(unb64(req["plaintext"]))
        jid, device_id = req["jid"], req["device_id"]
        session = await self.backend.load_session(jid, device_id)
        if session is None:
            b = req["bundle"]
            pks = {unb64(p["key"]): p["id"] for p in b["pks"]}
            bundle = BundleImpl(jid, device_id, x3dh.Bundle(unb64(b["ik"]), unb64(b["spk"]), unb64(b["spks"]),
                                frozenset(pks)), b["spk_id"], pks)
            session, encrypted = await self.backend.build_session_active(jid, device_id, bundle, material)
        else:
            encrypted = await self.backend.encrypt_key_material(session, material)
        await self.backend.store_session(session)
        data = encrypted.serialize()
        # As python-omemo's session manager does: a key exchange only on a session this side started, until answered.
        kex = session.initiation is omemo.session.Initiation.ACTIVE and not session.confirmed
        if kex:
            data = session.key_exchange.serialize(data)
        return {"kex": kex, "key": b64(data), "payload": None if content.empty else b64(content.ciphertext)}

    async def decrypt(self, req):
        jid, device_id = req["jid"], req["device_id"]
        data = unb64(req["key"])
        try:
            session = await self.backend.load_session(jid, device_id)
            if req["kex"]:
                key_exchange, auth = KeyExchangeImpl.parse(data)
                encrypted = EncryptedKeyMaterialImpl.parse(auth, jid, device_id)
                if session is not None and session.key_exchange.builds_same_session(key_exchange):
                    material = await self.backend.decrypt_key_material(session, encrypted)
                else:
                    session, material = await self.backend.build_session_passive(jid, device_id, key_exchange,
                                                                                   encrypted)
            else:
                if session is None:
                    return {"error": "no session"}
                material = await self.backend.decrypt_key_material(
                    session, EncryptedKeyMaterialImpl.parse(data, jid, device_id))
            if req.get("payload") is None:
                plaintext = None
            else:
                plaintext = b64(await self.backend.decrypt_plaintext(ContentImpl(unb64(req["payload"])), material))
            await self.backend.store_session(session)
            if req["kex"]:
                await self.backend.delete_pre_key(session)
            return {"plaintext": plaintext}
        except Exception as e:  # reported to the Java test, which asserts on it
            return {"error": type(e).__name__ + ": " + str(e)}

    async def private_keys(self):
        """This device's private keys as Sotto stores them: Ed25519 seed, signed prekey, one-time prekeys."""
        ns = "/" + twomemo.twomemo.NAMESPACE
        state = self.storage.data[ns + "/x3dh"]
        secret = state["identity_key"]
        assert secret["secret_type"] == "SEED"

        def raw(text):  # python-x3dh keeps bytes in its JSON as latin-1 strings
            return text.encode("latin-1")

        spk_priv = raw(state["signed_pre_key"]["priv"])
        spk_ids = self.storage.data[ns + "/signed_pre_key_ids"]
        pk_ids = self.storage.data[ns + "/pre_key_ids"]
        pks = []
        for priv in state["pre_keys"]:
            pub = xeddsa.priv_to_curve25519_pub(raw(priv))
            pks.append({"id": pk_ids[b64(pub)], "priv": b64(raw(priv)), "pub": b64(pub)})
        spk_pub = xeddsa.priv_to_curve25519_pub(spk_priv)
        return {"device_id": self.device_id, "seed": b64(raw(secret["secret"])),
                "spk": {"id": spk_ids[b64(spk_pub)], "priv": b64(spk_priv), "pub": b64(spk_pub),
                        "sig": b64(raw(state["signed_pre_key"]["sig"]))},
                "pks": sorted(pks, key=lambda p: p["id"])}


async def serve(peer):
    loop = asyncio.get_running_loop()
    while True:
        line = await loop.run_in_executor(None, sys.stdin.readline)
        if not line:
            return
        req = json.loads(line)
        op = req["op"]
        if op == "bundle":
            out = await peer.bundle()
        elif op == "encrypt":
            out = await peer.encrypt(req)
        elif op == "decrypt":
            out = await peer.decrypt(req)
        elif op == "private_keys":
            out = await peer.private_keys()
        else:
            out = {"error": "unknown op " + op}
        sys.stdout.write(json.dumps(out) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    asyncio.run(serve(Peer(sys.argv[1], int(sys.argv[2]))))
