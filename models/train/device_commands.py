"""Template-generated smart-home commands, labelled neutral during training so that plain commands stay neutral.

These templates are written apart from the hand-written test set in test/emotion/deviceCommands.txt; train.py
refuses to run if any generated command equals a test sentence after normalisation."""

import random

ROOMS = ["kitchen", "living room", "bedroom", "bathroom", "hall", "garden", "kids room", "guest room", "attic",
         "laundry room", "upstairs", "downstairs", "patio", "den", "playroom", "master bedroom", "back yard"]
SWITCHABLE = ["lights", "light", "lamp", "ceiling light", "floor lamp", "fan", "heater", "radio", "tv", "speaker",
              "kettle", "humidifier", "dehumidifier", "air purifier", "led strip", "night light", "fireplace",
              "projector", "towel rail", "desk lamp", "reading light", "spotlights", "pool pump"]
NUMBERS = ["one", "two", "three", "four", "five", "ten", "fifteen", "twenty", "twenty five", "forty", "forty five",
           "sixty", "ninety", "2", "5", "10", "20", "30"]
PERCENTS = ["ten", "twenty", "forty", "sixty", "seventy", "eighty", "ninety", "a hundred", "25", "75"]
COLOURS = ["red", "green", "purple", "orange", "yellow", "pink", "daylight", "cool white", "soft white"]
TEMPS = ["sixteen", "seventeen", "eighteen", "twenty", "twenty one", "twenty three", "21", "18", "22"]
MEDIA = ["the radio", "classical music", "my favourite playlist", "the morning podcast", "some rock",
         "relaxing music", "the top hits", "an audiobook", "the football commentary", "lofi beats"]
QUANTITIES = ["temperature", "humidity", "air quality", "co2 level", "power usage"]
TIMES = ["five", "six", "eight", "nine thirty", "ten past seven", "noon", "midnight", "quarter to eight", "7 am",
         "6 30"]
OPENABLE = ["window", "skylight", "gate", "shed door", "side gate", "roller shutter", "awning", "garage"]
POLITE = ["", "", "", "please ", "hey assistant ", "ok computer ", "can you ", "could you please "]

TEMPLATES = [
    "{p}turn on the {r} {s}", "{p}turn off the {r} {s}", "{p}switch the {s} in the {r} on",
    "{p}switch off the {s} in the {r}", "{p}{r} {s} on", "{p}{r} {s} off", "{p}toggle the {s}",
    "{p}set the {r} lights to {pc} percent", "{p}dim the {r} {s}", "{p}make the {r} lights {c}",
    "{p}set a {n} minute timer", "{p}start a timer for {n} minutes", "{p}timer {n} minutes",
    "{p}set the {r} to {t} degrees", "{p}heat the {r} to {t}", "{p}what is the {q} in the {r}",
    "{p}play {m}", "{p}play {m} in the {r}", "{p}stop the music in the {r}", "{p}volume up", "{p}volume to {pc}",
    "{p}wake me at {tm}", "{p}set an alarm for {tm}", "{p}remind me at {tm} to take the bins out",
    "{p}open the {o}", "{p}close the {o}", "{p}is the {o} open", "{p}lock the {o}", "{p}unlock the {o}",
    "{p}turn the {s} down", "{p}turn everything off in the {r}", "{p}are the {r} lights on",
    "{p}what is the forecast for {d}", "{p}will it rain {d}", "{p}add {g} to my list",
    "{p}put {g} on the grocery list", "{p}call {who}", "{p}text {who} that i am on my way",
    "{p}how many minutes left on the timer", "{p}stop the timer", "{p}next track", "{p}previous song",
    "{p}turn on {sc} scene", "{p}activate the {sc} scene in the {r}", "{p}start the {ap}", "{p}turn off the {ap}",
    # Information requests: questions are common to a voice assistant and must not read as surprise.
    "{p}what day is it", "{p}what is the date {d}", "{p}when is my next appointment", "{p}who is at the door",
    "{p}how warm will it be {d}", "{p}how long until sunset", "{p}what is playing right now",
    "{p}what is the {q} like {d}", "{p}how much power is the {ap} using", "{p}is the {ap} still running",
    "{p}when does the {ap} finish", "{p}what song is this", "{p}do i have any meetings {d}",
    "{p}how far is it to {place}", "{p}what is the traffic like {d}", "{p}did anyone ring the bell",
    "{p}where is my phone", "{p}is the {s} in the {r} on", "{p}what is the time in {place}",
    "{p}how many steps did i walk {d}", "{p}what are the headlines", "{p}tell me the {q} in the {r}",
]
PLACES = ["london", "the airport", "work", "the station", "tokyo", "the city centre", "grandmas house"]
DAYS = ["today", "tonight", "this weekend", "on monday", "on friday", "this afternoon"]
GROCERIES = ["bread", "butter", "coffee", "apples", "dish soap", "toilet paper", "rice", "cheese"]
WHO = ["mum", "dad", "the office", "my sister", "alex", "sam", "the dentist"]
SCENES = ["reading", "dinner", "relax", "bright", "evening", "focus", "party"]
APPLIANCES = ["washing machine", "dryer", "robot vacuum", "coffee maker", "oven fan", "water heater", "sprinkler"]


def _fill(template: str, rng: random.Random) -> str:
    return template.format(
        p=rng.choice(POLITE), r=rng.choice(ROOMS), s=rng.choice(SWITCHABLE), n=rng.choice(NUMBERS),
        pc=rng.choice(PERCENTS), c=rng.choice(COLOURS), t=rng.choice(TEMPS), m=rng.choice(MEDIA),
        q=rng.choice(QUANTITIES), tm=rng.choice(TIMES), o=rng.choice(OPENABLE), d=rng.choice(DAYS),
        g=rng.choice(GROCERIES), who=rng.choice(WHO), sc=rng.choice(SCENES), ap=rng.choice(APPLIANCES),
        place=rng.choice(PLACES),
    )


def generate(count: int, seed: int) -> list[str]:
    """Distinct commands drawn from the templates, at most `count` of them."""
    rng = random.Random(seed)
    seen: set[str] = set()
    for _ in range(count * 20):
        seen.add(_fill(rng.choice(TEMPLATES), rng))
        if len(seen) >= count:
            break
    return sorted(seen)
