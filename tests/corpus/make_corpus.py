"""Writes tests/corpus/revocations.csv: labelled inbound texts for the R-29 reader.

The base texts below were written for heed, most modelled on wording from public
sources (carrier and provider keyword lists, TCPA court filings quoting customers'
texts, customer-service texts of trade businesses); public_texts.py adds texts read
at public addresses, each with its address as its source (an entry below that a
public page also prints takes that page as its source). Each base text also appears in
a few spellings people really use (lower case, shouting, a greeting before it,
thanks after it). The split is by base text, so no spelling of a held-out text is
ever in the tuning part: ``zlib.crc32(base) % 4 == 0`` is held out, and two thirds
of the public texts (``zlib.crc32(base) % 3 != 0``).

Run ``uv run python tests/corpus/make_corpus.py`` after editing the lists.
"""

from __future__ import annotations

import csv
import zlib
from pathlib import Path
from typing import TYPE_CHECKING

# Run as a script, this folder is on sys.path; mypy checks it as the folder corpus
# under tests/ (scripts/typecheck), where the same module is corpus.public_texts.
if TYPE_CHECKING:
    from corpus.public_texts import PUBLIC
else:
    from public_texts import PUBLIC

CARRIER = "written for heed, after carriers' keyword lists"
COURT = "written for heed, after wording quoted in TCPA filings"
HEED = "written for heed"
BROADCAST = "broadcast text quoting an instruction"
SERVICE = "service-business customer text"
PERSONAL = "ordinary personal text"

# (text, source)
REVOKE: dict[str, list[tuple[str, str]]] = {
    "en": [
        ("REMOVE", CARRIER),
        ("Remove", CARRIER),
        ("STOP", CARRIER),
        ("Stop.", CARRIER),
        ("UNSUBSCRIBE", CARRIER),
        ("CANCEL", CARRIER),
        ("END", CARRIER),
        ("QUIT", CARRIER),
        ("STOPALL", CARRIER),
        ("OPT OUT", CARRIER),
        ("OPTOUT", CARRIER),
        ("REVOKE", CARRIER),
        ("UNSUB", CARRIER),
        ("Remove me", CARRIER),
        ("Opt-out", CARRIER),
        ("I would appreciate if we discontinue any further texts", COURT),
        ("Thank you but I would like the text messages to stop can we make this happen", COURT),
        ("Thank you. I'd like my contact info removed", COURT),
        ("Cancel my text notifications", COURT),
        ("wrong number please remove", COURT),
        ("I want no more texts from you", COURT),
        ("Delete my number from your system", COURT),
        ("Please stop texting me", COURT),
        ("Stop sending me these messages", COURT),
        ("This is the wrong number, please stop texting", COURT),
        ("Wrong number. Remove this number", COURT),
        ("I already told you to stop texting me", COURT),
        ("Take me off your list", COURT),
        ("Please remove me from your list", COURT),
        ("Please remove my number", COURT),
        ("remove my number from your list", HEED),
        ("Please delete my number", HEED),
        ("Delete my number", HEED),
        ("Delete my contact info please", HEED),
        ("Please erase my number from your records", HEED),
        ("I don't want to receive any more texts", HEED),
        ("I do not wish to receive these messages", HEED),
        ("Do not text this number again", HEED),
        ("Don't contact me again", HEED),
        ("No more messages please", HEED),
        ("no more texts", HEED),
        ("Please discontinue texts to this number", HEED),
        ("Discontinue all messages", HEED),
        ("Please discontinue", HEED),
        ("I no longer want texts from your company", HEED),
        ("Stop messaging me", HEED),
        ("stop the texts please", HEED),
        ("Quit texting me", HEED),
        ("Cease all communication with this number", COURT),
        ("Cease and desist texting me", COURT),
        ("I revoke my consent to receive text messages", COURT),
        ("I revoke consent to be contacted", COURT),
        ("I withdraw my consent to texts", HEED),
        ("Opt me out", HEED),
        ("please opt me out of texts", HEED),
        ("unsubscribe me please", HEED),
        ("Take this number off your list", HEED),
        ("Take my number off your texting list", HEED),
        ("Please remove me from your texting list thank you", HEED),
        ("Not interested, remove me", HEED),
        ("Not interested. Please remove my number", HEED),
        ("Wrong number, remove me", COURT),
        ("wrong person please take me off", HEED),
        ("You have the wrong number, please delete it", HEED),
        ("This isn't John. Please stop texting this number", COURT),
        ("Leave me alone", HEED),
        ("Stop contacting me", HEED),
        ("Please stop sending texts", HEED),
        ("I'd like to stop receiving texts", HEED),
        ("I would like to stop receiving these messages", HEED),
        ("I want to stop getting texts from you", HEED),
        ("How do I stop these texts? Please stop them", HEED),
        ("Do not send me any more messages", HEED),
        ("Never text me again", HEED),
        ("Stop texting me or I will report you", COURT),
        ("Please stop. I moved and no longer have service with you", HEED),
        ("I sold the house, please remove me from your texts", HEED),
        ("No longer a customer, please remove my number", HEED),
        ("Please take me off your text messages", HEED),
        ("Stop sending me promotions", HEED),
        ("No more promotional texts please", HEED),
        ("Stop the marketing texts", HEED),
        ("No more text messages", HEED),
        ("I do not want these messages anymore", HEED),
        ("Please don't text me anymore", HEED),
        ("Stop it", HEED),
        ("STOP STOP STOP", HEED),
        ("Please stop", HEED),
        ("stop pls", HEED),
        ("Unsubscribe from all texts", HEED),
        ("I want off this list", HEED),
        ("Get me off your list", HEED),
        ("Get me off this list please", HEED),
        ("Remove from list", CARRIER),
        ("Remove me from all lists", HEED),
        ("Thank you, but please remove me", COURT),
        ("Who is this? Stop texting me", HEED),
        ("Do not contact this number", HEED),
        ("Don't message me again", HEED),
        ("Stop sending messages to this number", HEED),
    ],
    "es": [
        ("No Mas", CARRIER),
        ("NO MAS", CARRIER),
        ("PARAR", CARRIER),
        ("CANCELAR", CARRIER),
        ("BAJA", CARRIER),
        ("ALTO", CARRIER),
        ("DETENER", CARRIER),
        ("FIN", CARRIER),
        ("no más", CARRIER),
        ("Parar.", CARRIER),
        ("baja por favor", CARRIER),
        ("no mas mensajes por favor", COURT),
        ("No me manden más mensajes", COURT),
        ("No quiero recibir más mensajes", HEED),
        ("Por favor dejen de enviarme mensajes", HEED),
        ("Dejen de mandarme mensajes", HEED),
        ("Deja de escribirme", HEED),
        ("Ya no me manden mensajes", HEED),
        ("Ya no quiero mensajes", HEED),
        ("Bórrenme de su lista", HEED),
        ("Borren mi número por favor", HEED),
        ("Eliminen mi número de su sistema", HEED),
        ("Quítenme de su lista", HEED),
        ("Sáquenme de su lista por favor", HEED),
        ("Número equivocado, por favor bórrenlo", COURT),
        ("Número equivocado, dejen de escribir", COURT),
        ("No me envíen más textos", HEED),
        ("No quiero más mensajes de ustedes", HEED),
        ("Darme de baja por favor", HEED),
        ("Quiero darme de baja", HEED),
        ("Cancelar mensajes", HEED),
        ("Cancelen los mensajes de texto", HEED),
        ("Ya no quiero recibir sus textos", HEED),
        ("Paren de mandar mensajes", HEED),
        ("No me contacten más", HEED),
        ("No vuelvan a escribirme", HEED),
        ("Por favor no me escriban más", HEED),
        ("No más textos", HEED),
        ("No mas sms", HEED),
        ("Favor de no enviar más mensajes a este número", HEED),
        ("Retiro mi consentimiento para recibir mensajes", COURT),
        ("Déjenme en paz", HEED),
        ("Ya basta de mensajes", HEED),
        ("Basta de mensajes por favor", HEED),
        ("Elimínenme de la lista", HEED),
        ("No me interesa, bórrenme", HEED),
        ("Ya no soy cliente, quiten mi número", HEED),
        ("Desuscribir", HEED),
        ("Desuscribirme por favor", HEED),
        ("Dejen de llamar y de mandar mensajes", HEED),
    ],
    "fr": [
        ("ARRETE", CARRIER),
        ("ARRÊTE", CARRIER),
        ("ARRÊT", CARRIER),
        ("ARRET", CARRIER),
        ("STOP SMS", CARRIER),
        ("Désabonner", CARRIER),
        ("DESABONNER", CARRIER),
        ("Annuler", CARRIER),
        ("Arrêter", CARRIER),
        ("Arrêtez de m'envoyer des messages", COURT),
        ("Arrêtez de m'écrire", HEED),
        ("Arrête de m'envoyer des textos", HEED),
        ("Merci de ne plus m'envoyer de messages", HEED),
        ("Ne m'envoyez plus de SMS", HEED),
        ("Je ne veux plus recevoir de messages", HEED),
        ("Je ne veux plus de vos textos", HEED),
        ("Plus de messages svp", HEED),
        ("Retirez-moi de votre liste", HEED),
        ("Supprimez mon numéro", HEED),
        ("Supprimez mon numéro de votre système", HEED),
        ("Effacez mon numéro s'il vous plaît", HEED),
        ("Mauvais numéro, merci de le supprimer", HEED),
        ("Mauvais numéro, arrêtez d'écrire", HEED),
        ("Désabonnez-moi", HEED),
        ("Je souhaite me désabonner des SMS", HEED),
        ("Je veux me désinscrire", HEED),
        ("Désinscription svp", HEED),
        ("Ne me contactez plus", HEED),
        ("Ne plus me contacter", HEED),
        ("Laissez-moi tranquille", HEED),
        ("Stop aux messages", HEED),
        ("Je retire mon consentement", COURT),
        ("Veuillez cesser de m'envoyer des messages", HEED),
        ("Cessez de m'écrire", HEED),
        ("Plus de SMS merci", HEED),
        ("Enlevez-moi de la liste", HEED),
        ("Je ne suis plus client, retirez mon numéro", HEED),
        ("Pas intéressé, supprimez mon numéro", HEED),
        ("N'écrivez plus à ce numéro", HEED),
        ("Annulez les textos", HEED),
    ],
}

NOT: dict[str, list[tuple[str, str]]] = {
    "en": [
        ("stop by at 3", SERVICE),
        ("Can the tech stop by at 3?", SERVICE),
        ("cancel my appointment", SERVICE),
        ("Please cancel my appointment for Friday", SERVICE),
        ("Can you cancel the service call tomorrow?", SERVICE),
        ("stop the leak", SERVICE),
        ("Can you stop the leak today?", SERVICE),
        ("The water won't stop leaking", SERVICE),
        ("Can I unsubscribe from the annual tune-up plan and get a refund?", SERVICE),
        ("I want to cancel the maintenance plan", SERVICE),
        ("Quit? No, we want to keep the service", SERVICE),
        ("Boooo you always work. Just quit.", PERSONAL),
        ("Reply STOP to opt out", BROADCAST),
        ("Spring sale! 20% off AC tune-ups. Reply STOP to opt out", BROADCAST),
        ("Text STOP to unsubscribe. Msg&data rates may apply", BROADCAST),
        ("Your code is 4821. Reply STOP to stop receiving messages", BROADCAST),
        ("FREE entry to win a cruise! Txt STOP to end", BROADCAST),
        ("Reminder: your appointment is tomorrow at 9. Reply STOP to cancel", BROADCAST),
        ("To opt out reply STOP, for help reply HELP", BROADCAST),
        ("Thanks for joining our list! Reply STOP to unsubscribe", BROADCAST),
        ("It said reply STOP to opt out but I still want the reminders", SERVICE),
        ("ok see you then", SERVICE),
        ("Yes 3pm works", SERVICE),
        ("What time is the technician coming?", SERVICE),
        ("The furnace keeps clicking and won't stop", SERVICE),
        ("My thermostat won't stop beeping", SERVICE),
        ("Please don't stop sending reminders", SERVICE),
        ("Why did you stop texting me about appointments?", SERVICE),
        ("Don't text me before 8am please", SERVICE),
        ("Stop at the front gate, code is 1234", SERVICE),
        ("Wrong address, it's 12 Elm not 21 Elm", SERVICE),
        ("Remove the old water heater too please", SERVICE),
        ("Can you remove the old unit when you install the new one?", SERVICE),
        ("Please delete the old invoice, it was paid", SERVICE),
        ("Take me off the schedule for Friday", SERVICE),
        ("Cancel the Tuesday visit, we'll reschedule", SERVICE),
        ("End of the driveway, blue house", SERVICE),
        ("The drain stopped working again", SERVICE),
        ("The AC stopped blowing cold air", SERVICE),
        ("How much to remove a tree root from the sewer line?", SERVICE),
        ("No more leaks since you fixed it, thanks!", SERVICE),
        ("No more noise from the furnace, great job", SERVICE),
        ("Thanks so much, see you next year", SERVICE),
        ("Can you send the invoice by email instead?", SERVICE),
        ("Please text me when he's on the way", SERVICE),
        ("I paid the bill online", SERVICE),
        ("Is the discount still valid?", SERVICE),
        ("Hey, can I move my appointment to Thursday?", SERVICE),
        ("The toilet won't stop running", SERVICE),
        ("Stop the water main before you start?", SERVICE),
        ("Should I turn off the breaker?", SERVICE),
        ("I'll be home after 5", SERVICE),
        ("Gate code changed to 5678", SERVICE),
        ("Dog is friendly, just ring the bell", SERVICE),
        ("Can I cancel and get a refund for the deposit?", SERVICE),
        ("I want to cancel my membership renewal", SERVICE),
        ("Don't cancel, we still need you tomorrow", SERVICE),
        ("Do you do emergency calls on weekends?", SERVICE),
        ("We're out of hot water", SERVICE),
        ("Ok thanks", SERVICE),
        ("Sounds good", SERVICE),
        ("👍", SERVICE),
        ("Who is this?", PERSONAL),
        ("lol stop it you're so funny", PERSONAL),
        ("I can't stop laughing", PERSONAL),
        ("Stop worrying, it'll be fine", PERSONAL),
        ("Quit your job and come to the beach", PERSONAL),
        ("Don't quit, you're almost done", PERSONAL),
        ("Remember to remove the cake from the oven", PERSONAL),
        ("Are you coming tonight?", PERSONAL),
        ("Call me when you can", PERSONAL),
        ("I'll text you later", PERSONAL),
        ("Running late, be there in 10", PERSONAL),
        ("Can you pick up milk on the way home?", PERSONAL),
        ("Happy birthday!!", PERSONAL),
        ("The bus stopped at the wrong stop", PERSONAL),
        ("Finally the rain stopped", PERSONAL),
        ("Text me the address", PERSONAL),
        ("Message me when you land", PERSONAL),
        ("No more pizza for me tonight haha", PERSONAL),
        ("I'm done with work, heading out", PERSONAL),
        ("Did you get my messages?", PERSONAL),
        ("Keep sending the reminders, they help", SERVICE),
        ("Is there a way to get texts instead of calls?", SERVICE),
        ("Please add my wife's number too", SERVICE),
        ("Cancel that, my husband fixed it", SERVICE),
        ("Never mind, the heater started working", SERVICE),
        ("Wrong day, I said Wednesday", SERVICE),
        ("That's the wrong part number", SERVICE),
        ("Could you end the visit before noon?", SERVICE),
        ("The tech said he would stop back Monday", SERVICE),
        # Ordinary texts with a verb of stopping or removing and a word for messages.
        ("Nothing can stop me from texting you", PERSONAL),
        ("I quit texting him weeks ago", PERSONAL),
        ("Stop the car and text me when you get there", PERSONAL),
        ("He told me to stop messaging her", PERSONAL),
        ("You need to stop texting while driving", PERSONAL),
        ("I'm done with messages for tonight", PERSONAL),
        ("Cancel the text I sent, it was a mistake", PERSONAL),
        ("I blocked his calls", PERSONAL),
        ("Please don't send me anything till Friday", SERVICE),
        ("Delete my old number, the new one is 512-555-0142", SERVICE),
        ("Can you remove my name from the sign up sheet", SERVICE),
        ("Remove my name from the appointment, my wife will be there", SERVICE),
        ("The texts stopped coming, can you check?", SERVICE),
        ("Your reminder texts are really helpful, don't stop them", SERVICE),
        ("Tech is on the way. Reply STOP to stop texts", BROADCAST),
    ],
    "es": [
        ("¿Pueden venir a las 3?", SERVICE),
        ("Cancelar mi cita del viernes", SERVICE),
        ("Quiero cancelar mi cita", SERVICE),
        ("¿Pueden parar la fuga hoy?", SERVICE),
        ("El agua no para de salir", SERVICE),
        ("El calentador dejó de funcionar", SERVICE),
        ("Responda STOP para cancelar la suscripción", BROADCAST),
        ("Oferta de primavera. Responda BAJA para no recibir más mensajes", BROADCAST),
        ("Envíe PARAR para dejar de recibir mensajes", BROADCAST),
        ("Gracias, nos vemos mañana", SERVICE),
        ("Sí, a las 3 está bien", SERVICE),
        ("¿A qué hora llega el técnico?", SERVICE),
        ("Ya pagué la factura", SERVICE),
        ("No más goteras desde que lo arreglaron, gracias", SERVICE),
        ("¿Puedo cancelar el plan de mantenimiento y recibir un reembolso?", SERVICE),
        ("Quiero darme de baja del plan anual, ¿me devuelven el dinero?", SERVICE),
        ("El inodoro no deja de correr", SERVICE),
        ("Mándenme la factura por correo", SERVICE),
        ("Por favor avísenme cuando vengan en camino", SERVICE),
        ("¿Quitan el calentador viejo también?", SERVICE),
        ("Borren la factura vieja, ya está pagada", SERVICE),
        ("No tenemos agua caliente", SERVICE),
        ("El perro es amable", SERVICE),
        ("¿Trabajan los fines de semana?", SERVICE),
        ("Estoy en casa después de las 5", SERVICE),
        ("Muchas gracias por todo", SERVICE),
        ("Ok perfecto", SERVICE),
        ("Número equivocado de la casa, es el 12", SERVICE),
        ("No cancelen, todavía los necesitamos", SERVICE),
        ("Sigan mandando los recordatorios", SERVICE),
        ("¿Me pueden mandar mensaje en vez de llamar?", SERVICE),
        ("No paro de reír jaja", PERSONAL),
        ("Ya deja de trabajar tanto", PERSONAL),
        ("¿Vienes esta noche?", PERSONAL),
        ("Llámame cuando puedas", PERSONAL),
        ("Feliz cumpleaños!!", PERSONAL),
        ("Ya paró la lluvia", PERSONAL),
        ("No más pizza para mí jaja", PERSONAL),
        ("¿Recibiste mis mensajes?", PERSONAL),
        ("Mándame la dirección", PERSONAL),
        ("El aire no enfría, ¿pueden venir?", SERVICE),
        ("¿Cuánto cuesta destapar el drenaje?", SERVICE),
        ("Cambien la cita para el jueves por favor", SERVICE),
    ],
    "fr": [
        ("Pouvez-vous passer à 15h ?", SERVICE),
        ("Annuler mon rendez-vous de vendredi", SERVICE),
        ("Je veux annuler mon rendez-vous", SERVICE),
        ("Pouvez-vous arrêter la fuite ?", SERVICE),
        ("L'eau n'arrête pas de couler", SERVICE),
        ("Le chauffe-eau a arrêté de marcher", SERVICE),
        ("Répondez STOP pour vous désabonner", BROADCAST),
        ("Promo de printemps ! Envoyez STOP au 36180 pour ne plus recevoir de SMS", BROADCAST),
        ("STOP au 36111", BROADCAST),
        ("Merci, à demain", SERVICE),
        ("Oui, 15h ça marche", SERVICE),
        ("À quelle heure arrive le technicien ?", SERVICE),
        ("J'ai payé la facture", SERVICE),
        ("Plus de fuite depuis votre passage, merci", SERVICE),
        ("Puis-je résilier le contrat d'entretien et être remboursé ?", SERVICE),
        ("Je veux me désabonner du contrat annuel, remboursement possible ?", SERVICE),
        ("La chasse d'eau n'arrête pas de couler", SERVICE),
        ("Envoyez-moi la facture par mail", SERVICE),
        ("Prévenez-moi quand vous êtes en route", SERVICE),
        ("Vous enlevez l'ancien chauffe-eau aussi ?", SERVICE),
        ("Supprimez l'ancienne facture, elle est payée", SERVICE),
        ("On n'a plus d'eau chaude", SERVICE),
        ("Le chien est gentil", SERVICE),
        ("Vous travaillez le week-end ?", SERVICE),
        ("Je suis là après 17h", SERVICE),
        ("Merci beaucoup", SERVICE),
        ("D'accord parfait", SERVICE),
        ("N'annulez pas, on a encore besoin de vous", SERVICE),
        ("Continuez les rappels svp", SERVICE),
        ("J'arrête pas de rire mdr", PERSONAL),
        ("Arrête de travailler autant", PERSONAL),
        ("Tu viens ce soir ?", PERSONAL),
        ("Appelle-moi quand tu peux", PERSONAL),
        ("Joyeux anniversaire !!", PERSONAL),
        ("La pluie s'est arrêtée", PERSONAL),
        ("Plus de pizza pour moi ce soir", PERSONAL),
        ("Tu as reçu mes messages ?", PERSONAL),
        ("Envoie-moi l'adresse", PERSONAL),
        ("La clim ne refroidit plus, vous pouvez venir ?", SERVICE),
        ("Combien pour déboucher l'évier ?", SERVICE),
        ("Déplacez le rendez-vous à jeudi svp", SERVICE),
    ],
}


def _spellings(text: str, language: str) -> list[str]:
    greeting = {"en": "Hi, ", "es": "Hola, ", "fr": "Bonjour, "}[language]
    thanks = {"en": " thanks", "es": " gracias", "fr": " merci"}[language]
    found = [text, text.lower(), text.upper(), greeting + text, text.rstrip(".!?") + thanks]
    seen: list[str] = []
    for spelling in found:
        if spelling not in seen:
            seen.append(spelling)
    return seen


def _bases() -> list[list[str]]:
    """[base, language, label, source, split] for every base text, the public ones last."""
    bases: list[list[str]] = []
    by_folded: dict[str, list[str]] = {}
    for label, table in (("revoke", REVOKE), ("not", NOT)):
        for language, entries in table.items():
            for base, source in entries:
                split = "heldout" if zlib.crc32(base.encode()) % 4 == 0 else "tune"
                bases.append([base, language, label, source, split])
                by_folded.setdefault(base.casefold(), bases[-1])
    for language, public in PUBLIC.items():
        for base, label, source in public:
            known = by_folded.get(base.casefold())
            if known is not None:
                # Written here before the page was found: the page is its source now.
                known[3] = source
                continue
            split = "heldout" if zlib.crc32(base.encode()) % 3 != 0 else "tune"
            bases.append([base, language, label, source, split])
            by_folded[base.casefold()] = bases[-1]
    return bases


def main() -> None:
    rows: list[dict[str, str]] = []
    for base, language, label, source, split in _bases():
        for text in _spellings(base, language):
            rows.append(
                {
                    "text": text,
                    "language": language,
                    "label": label,
                    "source": source,
                    "split": split,
                    "base": base,
                }
            )
    out = Path(__file__).with_name("revocations.csv")
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(
            handle, fieldnames=["text", "language", "label", "source", "split", "base"]
        )
        writer.writeheader()
        writer.writerows(rows)
    print(len(rows), "rows")


if __name__ == "__main__":
    main()
