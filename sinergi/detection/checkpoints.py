"""Departure checkpoints where officers screen travellers: the main exits of Indonesian migrant workers.

The province (Kemendagri code) decides which BP3MI office and police unit follow up a hold there. Officers may
also type a checkpoint not listed; its province is then the officer's agency's.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Checkpoint:
    name: str
    type: str  # CheckpointType value
    province: str


CHECKPOINTS: tuple[Checkpoint, ...] = (
    Checkpoint("Bandara Soekarno-Hatta (Tangerang)", "airport", "36"),
    Checkpoint("Bandara Juanda (Surabaya)", "airport", "35"),
    Checkpoint("Bandara Kualanamu (Deli Serdang)", "airport", "12"),
    Checkpoint("Bandara I Gusti Ngurah Rai (Bali)", "airport", "51"),
    Checkpoint("Bandara Zainuddin Abdul Madjid (Lombok)", "airport", "52"),
    Checkpoint("Bandara El Tari (Kupang)", "airport", "53"),
    Checkpoint("Bandara Yogyakarta International", "airport", "34"),
    Checkpoint("Bandara Kertajati (Majalengka)", "airport", "32"),
    Checkpoint("Bandara Jenderal Ahmad Yani (Semarang)", "airport", "33"),
    Checkpoint("Bandara Sultan Hasanuddin (Makassar)", "airport", "73"),
    Checkpoint("Bandara Syamsudin Noor (Banjarmasin)", "airport", "63"),
    Checkpoint("Bandara Supadio (Pontianak)", "airport", "61"),
    Checkpoint("Bandara Hang Nadim (Batam)", "airport", "21"),
    Checkpoint("Bandara Juwata (Tarakan)", "airport", "65"),
    Checkpoint("Pelabuhan Batam Centre", "seaport", "21"),
    Checkpoint("Pelabuhan Sekupang (Batam)", "seaport", "21"),
    Checkpoint("Pelabuhan Harbour Bay (Batam)", "seaport", "21"),
    Checkpoint("Pelabuhan Sri Bintan Pura (Tanjung Pinang)", "seaport", "21"),
    Checkpoint("Pelabuhan Tanjung Balai Karimun", "seaport", "21"),
    Checkpoint("Pelabuhan Dumai", "seaport", "14"),
    Checkpoint("Pelabuhan Tanjung Balai Asahan", "seaport", "12"),
    Checkpoint("Pelabuhan Tunon Taka (Nunukan)", "seaport", "65"),
    Checkpoint("PLBN Entikong (Sanggau)", "plbn", "61"),
    Checkpoint("PLBN Aruk (Sambas)", "plbn", "61"),
    Checkpoint("PLBN Nanga Badau (Kapuas Hulu)", "plbn", "61"),
    Checkpoint("PLBN Jagoi Babang (Bengkayang)", "plbn", "61"),
    Checkpoint("PLBN Long Midang (Nunukan)", "plbn", "65"),
    Checkpoint("PLBN Motaain (Belu)", "plbn", "53"),
    Checkpoint("PLBN Motamasin (Malaka)", "plbn", "53"),
    Checkpoint("PLBN Wini (Timor Tengah Utara)", "plbn", "53"),
)
