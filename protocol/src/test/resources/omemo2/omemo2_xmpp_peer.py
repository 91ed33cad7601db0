#!/usr/bin/python3
"""OMEMO 2 contact for Sotto's live tests: slixmpp (python3-slixmpp) and python-omemo's twomemo backend
(python3-twomemo, MIT), both from Debian, glued by this driver of Sotto's own (no Python OMEMO glue is packaged).

Written for Sotto's tests only; it is not product code. It logs in, publishes its OMEMO 2 device list and bundle
(open access, the bundles node with max_items=max, as XEP-0384 0.8 asks) and prints "READY\t<device id>". Then it
reads commands from stdin and prints one line per event, fields separated by tabs, texts in base64:
  SEND\t<to bare JID>\t<device id>\t<body b64>  -> "SENT\t<kex true|false>" or "ERROR\t<text>"
      (checks that the device is in the recipient's published OMEMO 2 device list, builds a session from its
      published bundle when there is none, wraps the body in an SCE envelope with rpad, time, to and from)
  CLEANUP                                      -> deletes its OMEMO 2 nodes, "CLEANED"
  QUIT
and, for every OMEMO 2 message that arrives:
  "MESSAGE\t<from bare>\t<kex>\t<body b64>\t<to affix>\t<from affix>\t<rpad present>" or "ERROR\t<text>"
Usage: omemo2_xmpp_peer.py HOST PORT JID PASSWORD DEVICE_ID
"""
import asyncio
import base64
import datetime
import os
import secrets
import sys
from xml.sax.saxutils import escape

import slixmpp
import slixmpp.exceptions
from slixmpp.xmlstream import ET
from slixmpp.xmlstream.handler import CoroutineCallback
from slixmpp.xmlstream.matcher import MatchXPath

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from twomemo_peer import Peer, b64, unb64  # noqa: E402  (the same directory: Sotto's core-level driver)

NS = "urn:xmpp:omemo:2"
SCE = "urn:xmpp:sce:1"
PUBSUB = "http://jabber.org/protocol/pubsub"


def out(*fields):
    sys.stdout.write("\t".join(str(f) for f in fields) + "\n")
    sys.stdout.flush()


def publish_options(many_items):
    fields = ("<field var='FORM_TYPE' type='hidden'><value>" + PUBSUB + "#publish-options</value></field>"
              "<field var='pubsub#access_model'><value>open</value></field>")
    if many_items:
        fields += "<field var='pubsub#max_items'><value>max</value></field>"
    return "<publish-options><x xmlns='jabber:x:data' type='submit'>" + fields + "</x></publish-options>"


class Driver(slixmpp.ClientXMPP):
    def __init__(self, jid, password, device_id):
        super().__init__(jid, password)
        self.bare = jid.split("/")[0]
        self.device_id = device_id
        self.peer = Peer(self.bare, device_id)
        self.add_event_handler("session_start", self.start)
        self.register_handler(CoroutineCallback(
            "omemo2", MatchXPath("{jabber:client}message/{%s}encrypted" % NS), self.on_encrypted))

    async def iq(self, kind, to, xml):
        iq = self.make_iq_set(ito=to) if kind == "set" else self.make_iq_get(ito=to)
        iq.xml.append(ET.fromstring(xml))
        return await iq.send(timeout=15)

    async def start(self, _event):
        try:
            await self.publish()
        except Exception as e:  # reported to the Java test, which fails on it
            out("ERROR", "publishing: " + type(e).__name__ + ": " + str(e).replace("\n", " "))
            return
        out("READY", self.device_id)
        asyncio.ensure_future(self.commands())

    async def publish(self):
        self.send_presence()
        b = await self.peer.bundle()
        pks = "".join("<pk id='%d'>%s</pk>" % (p["id"], p["key"]) for p in b["pks"])
        bundle = ("<bundle xmlns='%s'><spk id='%d'>%s</spk><spks>%s</spks><ik>%s</ik><prekeys>%s</prekeys></bundle>"
                  % (NS, b["spk_id"], b["spk"], b["spks"], b["ik"], pks))
        publish = "<pubsub xmlns='%s'><publish node='%s:bundles'><item id='%d'>%s</item></publish>%%s</pubsub>" % (
            PUBSUB, NS, self.device_id, bundle)
        try:
            await self.iq("set", None, publish % publish_options(True))
        except slixmpp.exceptions.IqError:
            # ejabberd takes no max_items among publish-options: publish open, then configure the node.
            await self.iq("set", None, publish % publish_options(False))
            await self.iq("set", None, "<pubsub xmlns='%s#owner'><configure node='%s:bundles'><x xmlns='jabber:x:data' "
                          "type='submit'><field var='FORM_TYPE' type='hidden'><value>%s#node_config</value></field>"
                          "<field var='pubsub#max_items'><value>max</value></field></x></configure></pubsub>"
                          % (PUBSUB, NS, PUBSUB))
        # As clients do: the account's other devices stay listed (a Sotto device's OMEMO 2 side, say).
        others = ""
        try:
            listed = await self.fetch(self.bare, NS + ":devices")
            others = "".join("<device id='%d'/>" % int(d.get("id")) for d in listed.iter("{%s}device" % NS)
                             if int(d.get("id")) != self.device_id)
        except slixmpp.exceptions.IqError:
            pass  # no list yet
        devices = "<devices xmlns='%s'>%s<device id='%d' label='twomemo test peer'/></devices>" % (
            NS, others, self.device_id)
        await self.iq("set", None, "<pubsub xmlns='%s'><publish node='%s:devices'><item id='current'>%s</item>"
                      "</publish>%s</pubsub>" % (PUBSUB, NS, devices, publish_options(False)))

    async def commands(self):
        loop = asyncio.get_running_loop()
        while True:
            line = await loop.run_in_executor(None, sys.stdin.readline)
            if not line or line.strip() == "QUIT":
                self.disconnect()
                return
            parts = line.rstrip("\n").split("\t")
            try:
                if parts[0] == "SEND":
                    await self.send_omemo2(parts[1], int(parts[2]), unb64(parts[3]).decode("utf-8"))
                elif parts[0] == "CLEANUP":
                    for node in ("devices", "bundles"):
                        await self.iq("set", None, "<pubsub xmlns='%s#owner'><delete node='%s:%s'/></pubsub>"
                                      % (PUBSUB, NS, node))
                    out("CLEANED")
                else:
                    out("ERROR", "unknown command " + parts[0])
            except Exception as e:  # reported to the Java test, which fails on it
                out("ERROR", type(e).__name__ + ": " + str(e).replace("\n", " "))

    async def fetch(self, owner, node, item_id=None):
        item = "" if item_id is None else "<item id='%s'/>" % item_id
        answer = await self.iq("get", owner, "<pubsub xmlns='%s'><items node='%s'>%s</items></pubsub>"
                               % (PUBSUB, node, item))
        return answer.xml

    async def send_omemo2(self, to, device_id, body):
        listed = await self.fetch(to, NS + ":devices")
        ids = [int(d.get("id")) for d in listed.iter("{%s}device" % NS)]
        if device_id not in ids:
            raise ValueError("device %d is not in %s's OMEMO 2 device list %s" % (device_id, to, ids))
        request = {"jid": to, "device_id": device_id, "plaintext": b64(self.envelope(body, to))}
        if await self.peer.backend.load_session(to, device_id) is None:
            xml = await self.fetch(to, NS + ":bundles", str(device_id))
            bundle = xml.find(".//{%s}bundle" % NS)
            spk = bundle.find("{%s}spk" % NS)
            request["bundle"] = {
                "ik": bundle.find("{%s}ik" % NS).text, "spk_id": int(spk.get("id")), "spk": spk.text,
                "spks": bundle.find("{%s}spks" % NS).text,
                "pks": [{"id": int(pk.get("id")), "key": pk.text} for pk in bundle.iter("{%s}pk" % NS)]}
        sealed = await self.peer.encrypt(request)
        kex = " kex='true'" if sealed["kex"] else ""
        msg = self.make_message(mto=to, mtype="chat", mbody="[OMEMO 2 message]")
        msg.xml.append(ET.fromstring(
            "<encrypted xmlns='%s'><header sid='%d'><keys jid='%s'><key rid='%d'%s>%s</key></keys></header>"
            "<payload>%s</payload></encrypted>" % (NS, self.device_id, to, device_id, kex, sealed["key"],
                                                   sealed["payload"])))
        msg.xml.append(ET.fromstring("<store xmlns='urn:xmpp:hints'/>"))
        msg.send()
        out("SENT", "true" if sealed["kex"] else "false")

    def envelope(self, body, to):
        stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        pad = secrets.token_hex(1 + secrets.randbelow(40))
        return ("<envelope xmlns='%s'><content><body xmlns='jabber:client'>%s</body></content><rpad>%s</rpad>"
                "<time stamp='%s'/><to jid='%s'/><from jid='%s'/></envelope>"
                % (SCE, escape(body), pad, stamp, to, self.bare)).encode("utf-8")

    async def on_encrypted(self, msg):
        try:
            sender = msg["from"].bare
            enc = msg.xml.find("{%s}encrypted" % NS)
            header = enc.find("{%s}header" % NS)
            key = None
            for keys in header.findall("{%s}keys" % NS):
                if keys.get("jid") == self.bare:
                    for k in keys.findall("{%s}key" % NS):
                        if int(k.get("rid")) == self.device_id:
                            key = k
            if key is None:
                out("ERROR", "no key for this device from " + sender)
                return
            payload = enc.find("{%s}payload" % NS)
            kex = key.get("kex") in ("true", "1")
            result = await self.peer.decrypt({"jid": sender, "device_id": int(header.get("sid")), "kex": kex,
                                              "key": key.text, "payload": None if payload is None else payload.text})
            if "error" in result:
                out("ERROR", result["error"])
                return
            if result["plaintext"] is None:
                return  # an empty OMEMO message: nothing to show
            envelope = ET.fromstring(unb64(result["plaintext"]).decode("utf-8"))
            body = envelope.find("{%s}content/{jabber:client}body" % SCE)
            to_affix = envelope.find("{%s}to" % SCE)
            from_affix = envelope.find("{%s}from" % SCE)
            out("MESSAGE", sender, "true" if kex else "false",
                base64.b64encode((body.text or "").encode("utf-8")).decode("ascii"),
                "" if to_affix is None else to_affix.get("jid"), "" if from_affix is None else from_affix.get("jid"),
                "true" if envelope.find("{%s}rpad" % SCE) is not None else "false")
        except Exception as e:
            out("ERROR", type(e).__name__ + ": " + str(e).replace("\n", " "))


if __name__ == "__main__":
    host, port, jid, password, device_id = sys.argv[1:6]
    driver = Driver(jid + "/twomemo", password, int(device_id))
    driver.connect(address=(host, int(port)), force_starttls=False, disable_starttls=True)
    driver.process(forever=False)
