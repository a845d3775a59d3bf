"""The Muskel (musyawarah kelurahan) of the updates workflow: sessions, attendance, agenda,
decisions, and the Berita Acara with its by-name-by-address list."""
