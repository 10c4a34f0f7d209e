"""Zendesk's names for time zones, as the Fivetran connector lands them.

Zendesk stores a schedule's and a user's time zone under the Ruby on Rails
(ActiveSupport::TimeZone) names, such as ``Eastern Time (US & Canada)`` for
``America/New_York``, and the connector's ``time_zone`` and ``daylight_time``
tables carry the same names (``London``, ``Pacific Time (US & Canada)`` in the
``dbt_zendesk`` integration seeds). dbt_zendesk joins ``schedule.time_zone``
to ``time_zone.time_zone`` and ``daylight_time.time_zone`` (lower-cased), so
all three must carry one spelling.

``ZENDESK_ZONE_NAMES`` maps the IANA zone a scenario names to that Zendesk
name. Where Rails gives one IANA zone several names (``Edinburgh`` and
``London`` are both Europe/London) the one named after the IANA city is taken.
A scenario zone with no Zendesk name (Zendesk offers about 150) is written
under its IANA name in every table, so the joins still hold; the data
dictionary says so.
"""

from __future__ import annotations

ZENDESK_ZONE_NAMES: dict[str, str] = {
    # the Americas
    "Pacific/Midway": "Midway Island", "Pacific/Pago_Pago": "American Samoa",
    "Pacific/Honolulu": "Hawaii", "America/Juneau": "Alaska", "America/Anchorage": "Alaska",
    "America/Los_Angeles": "Pacific Time (US & Canada)", "America/Tijuana": "Tijuana",
    "America/Denver": "Mountain Time (US & Canada)", "America/Phoenix": "Arizona",
    "America/Chihuahua": "Chihuahua", "America/Mazatlan": "Mazatlan",
    "America/Chicago": "Central Time (US & Canada)", "America/Regina": "Saskatchewan",
    "America/Mexico_City": "Mexico City", "America/Monterrey": "Monterrey",
    "America/Guatemala": "Central America", "America/New_York": "Eastern Time (US & Canada)",
    "America/Indiana/Indianapolis": "Indiana (East)", "America/Bogota": "Bogota",
    "America/Lima": "Lima", "America/Halifax": "Atlantic Time (Canada)",
    "America/Caracas": "Caracas", "America/La_Paz": "La Paz", "America/Santiago": "Santiago",
    "America/St_Johns": "Newfoundland", "America/Sao_Paulo": "Brasilia",
    "America/Argentina/Buenos_Aires": "Buenos Aires", "America/Montevideo": "Montevideo",
    "America/Guyana": "Georgetown", "America/Puerto_Rico": "Puerto Rico",
    "America/Godthab": "Greenland", "America/Nuuk": "Greenland",
    # the Atlantic, Europe and Africa
    "Atlantic/South_Georgia": "Mid-Atlantic", "Atlantic/Azores": "Azores",
    "Atlantic/Cape_Verde": "Cape Verde Is.", "Europe/Dublin": "Dublin", "Europe/London": "London",
    "Europe/Lisbon": "Lisbon", "Africa/Casablanca": "Casablanca", "Africa/Monrovia": "Monrovia",
    "Etc/UTC": "UTC", "UTC": "UTC", "Europe/Belgrade": "Belgrade",
    "Europe/Bratislava": "Bratislava", "Europe/Budapest": "Budapest",
    "Europe/Ljubljana": "Ljubljana", "Europe/Prague": "Prague", "Europe/Sarajevo": "Sarajevo",
    "Europe/Skopje": "Skopje", "Europe/Warsaw": "Warsaw", "Europe/Zagreb": "Zagreb",
    "Europe/Brussels": "Brussels", "Europe/Copenhagen": "Copenhagen", "Europe/Madrid": "Madrid",
    "Europe/Paris": "Paris", "Europe/Amsterdam": "Amsterdam", "Europe/Berlin": "Berlin",
    "Europe/Zurich": "Zurich", "Europe/Rome": "Rome", "Europe/Stockholm": "Stockholm",
    "Europe/Vienna": "Vienna", "Africa/Algiers": "West Central Africa",
    "Europe/Bucharest": "Bucharest", "Africa/Cairo": "Cairo", "Europe/Helsinki": "Helsinki",
    "Europe/Kiev": "Kyiv", "Europe/Kyiv": "Kyiv", "Europe/Riga": "Riga", "Europe/Sofia": "Sofia",
    "Europe/Tallinn": "Tallinn", "Europe/Vilnius": "Vilnius", "Europe/Athens": "Athens",
    "Europe/Istanbul": "Istanbul", "Europe/Minsk": "Minsk", "Asia/Jerusalem": "Jerusalem",
    "Africa/Harare": "Harare", "Africa/Johannesburg": "Pretoria",
    "Europe/Kaliningrad": "Kaliningrad", "Europe/Moscow": "Moscow",
    "Europe/Volgograd": "Volgograd", "Europe/Samara": "Samara", "Africa/Nairobi": "Nairobi",
    # Asia and the Pacific
    "Asia/Kuwait": "Kuwait", "Asia/Riyadh": "Riyadh", "Asia/Baghdad": "Baghdad",
    "Asia/Tehran": "Tehran", "Asia/Muscat": "Muscat", "Asia/Baku": "Baku",
    "Asia/Tbilisi": "Tbilisi", "Asia/Yerevan": "Yerevan", "Asia/Kabul": "Kabul",
    "Asia/Yekaterinburg": "Ekaterinburg", "Asia/Karachi": "Karachi",
    "Asia/Tashkent": "Tashkent", "Asia/Kolkata": "Kolkata", "Asia/Calcutta": "Kolkata",
    "Asia/Kathmandu": "Kathmandu", "Asia/Dhaka": "Dhaka", "Asia/Colombo": "Sri Jayawardenepura",
    "Asia/Almaty": "Almaty", "Asia/Novosibirsk": "Novosibirsk", "Asia/Rangoon": "Rangoon",
    "Asia/Yangon": "Rangoon", "Asia/Bangkok": "Bangkok", "Asia/Jakarta": "Jakarta",
    "Asia/Krasnoyarsk": "Krasnoyarsk", "Asia/Shanghai": "Beijing",
    "Asia/Chongqing": "Chongqing", "Asia/Hong_Kong": "Hong Kong", "Asia/Urumqi": "Urumqi",
    "Asia/Kuala_Lumpur": "Kuala Lumpur", "Asia/Singapore": "Singapore", "Asia/Taipei": "Taipei",
    "Australia/Perth": "Perth", "Asia/Irkutsk": "Irkutsk", "Asia/Ulaanbaatar": "Ulaanbaatar",
    "Asia/Seoul": "Seoul", "Asia/Tokyo": "Tokyo", "Asia/Yakutsk": "Yakutsk",
    "Australia/Darwin": "Darwin", "Australia/Adelaide": "Adelaide",
    "Australia/Melbourne": "Melbourne", "Australia/Sydney": "Sydney",
    "Australia/Brisbane": "Brisbane", "Australia/Hobart": "Hobart",
    "Asia/Vladivostok": "Vladivostok", "Pacific/Guam": "Guam",
    "Pacific/Port_Moresby": "Port Moresby", "Asia/Magadan": "Magadan",
    "Asia/Srednekolymsk": "Srednekolymsk", "Pacific/Guadalcanal": "Solomon Is.",
    "Pacific/Noumea": "New Caledonia", "Pacific/Fiji": "Fiji", "Asia/Kamchatka": "Kamchatka",
    "Pacific/Majuro": "Marshall Is.", "Pacific/Auckland": "Auckland",
    "Pacific/Tongatapu": "Nuku'alofa", "Pacific/Fakaofo": "Tokelau Is.",
    "Pacific/Chatham": "Chatham Is.", "Pacific/Apia": "Samoa",
}


def zendesk_zone_name(iana: str) -> str:
    """Zendesk's name for an IANA zone, or the IANA name itself if Zendesk has none.

    Examples
    --------
    >>> zendesk_zone_name("America/New_York")
    'Eastern Time (US & Canada)'
    >>> zendesk_zone_name("Europe/Oslo")
    'Europe/Oslo'
    """
    return ZENDESK_ZONE_NAMES.get(iana, iana)
