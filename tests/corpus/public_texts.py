# ruff: noqa: E501 (quoted texts and addresses are kept whole)
"""Labelled texts taken from public sources, each with the address it was read at.

Court opinions and commentary quote the texts customers sent; providers' and
carriers' pages list the keywords they honour and show the instructions their
broadcasts carry. Each entry is (text, label, source). Brackets and placeholders
are kept as the page printed them. Most of these are held out (see make_corpus).
"""

from __future__ import annotations

EPPS = "https://www.tatango.com/resources/tcpa-videos/tcpa-sms-marketing-lawsuit-epps-v-earth-fare/"
EPPS_9TH = (
    "https://www.consumerfinancialserviceslawmonitor.com/2018/10/"
    "ninth-circuit-rejects-consumers-purposeful-evasion-of-standard-opt-out-practices-in-epps-v-earth-fare-inc-1/"
)
EPPS_LEXOLOGY = (
    "https://www.lexology.com/library/detail.aspx?g=692a686a-62f5-427e-8a17-885e882297a3"
)
EPPS_WATERFALL = "http://www.waterfall.com/blog/tcpa-claims-epps-vs-earth-fare/"
RANDO = "https://manatt.com/insights/newsletters/tcpa-connect/defendants-revocation-method-was-reasonable-ending"
RANDO_HINSHAW = "https://www.hinshawcfs.com/consumers-attempt-to-revoke-consent-to-text-messages-found-to-be-unreasonable"
VIGGIANO = "https://manatt.com/insights/newsletters/tcpa-connect/court-finds-revocation-of-consent-unreasonable-tos"
VIGGIANO_TDF = "https://www.tcpadefenseforce.com/tcpa-law-blog/federal-court-dismisses-tcpa-claim-over-crafty-consent-revocations"
KOHLS_REPLY = "https://jbho.blog/2017/12/04/long-winded-opt-out-requests-dont-revoke-consent/"
FIGHT13 = (
    "https://www.fight13.com/blog/2017/august/revocation-of-consent-for-unwanted-text-messages/"
)
AWS = "https://docs.aws.amazon.com/sms-voice/latest/userguide/keywords-required.html"
TWILIO_2025 = "https://twilio.com/en-us/blog/update-to-fcc-s-sms-opt-out-keywords"
TWILIO_PROXY = "https://www.twilio.com/docs/proxy/opt-out-keywords"
TWILIO_CANADA = "https://support.twilio.com/hc/en-us/articles/223182048-Canadian-Short-Code-opt-out-Requirements"
TWILIO_TOLL_FREE = (
    "https://support.twilio.com/hc/en-us/articles/"
    "360058144374-Opt-out-keyword-handling-SMS-STOP-Filtering-for-Toll-Free-SMS"
)
TELNYX = "https://developers.telnyx.com/docs/messaging/messages/advanced-opt-in-out"
VONAGE = "https://developer.vonage.com/en/opt-out-assist/guides/key-word-setup"
FCC_RULE = (
    "https://compliancepoint.com/marketing-compliance/"
    "fccs-consent-revocation-rule-language-analysis-and-compliance-insights"
)
CONCEPTS2CODE = (
    "https://support.concepts2code.com/support/solutions/articles/"
    "44002373096-opt-out-and-opt-in-of-text-messaging"
)
BRAZE_FUZZY = (
    "https://www.braze.com/docs/user_guide/channels/sms_mms_and_rcs/"
    "message_features_and_optimization/keyword_processing/fuzzy_opt_out/"
)
SOLUTIONSBYTEXT = "https://solutionsbytext.com/opt-out-policy/"
DMTEXT = "https://dmtext.com/glossary/opt-out"
SIMPLETEXTING = "https://help.simpletexting.com/en/articles/1177042-what-is-a-stop-response"
USLEGALFORMS = (
    "https://www.uslegalforms.com/forms-kit/us-0037lr/los-angeles-opt-out-wording-example"
)
THRUTEXT_ES = (
    "https://getthru.freshdesk.com/support/solutions/articles/"
    "44002496970-exclusi%C3%B3n-voluntaria-para-los-que-env%C3%ADan-mensajes-de-texto"
)
AIVO_ES = "https://helpaivoes.aivohelp.com/search/gestion-de-opt-out-para-sms-y-whatsapp-en-engage"
NOTIFYCAME_ES = "https://notifycame.com/page/funciones-de-sms"
INTELIGENTES_ES = "https://inteligentes.online/Teléfonos-celulares-y-accesorios/Móviles/¿Cómo-darse-de-baja-de-SMS-.html"
BREVO_ES = "https://help.brevo.com/hc/es/articles/115001945670-Incluir-una-opci%C3%B3n-de-bajas-de-los-mensajes-SMS"
ONESIGNAL_ES = "https://documentation.onesignal.com/docs/es/sms-consent-keyword-management.md"
UNICODA_FR = "https://unicoda.com/?tag=sms"
COMMENTCAMARCHE_FR = (
    "http://www.commentcamarche.net/faq/34000-signaler-un-spam-recu-sur-votre-mobile-33700"
)

SPOKE = (
    "https://github.com/StateVoicesNational/Spoke"
    " (src/extensions/message-handlers/auto-optout/index.js, its default auto opt-out phrases)"
)
BOSLEY = "https://app.midpage.ai/case/bosley-v-a-bradley-hospitality-11141373"

SPOKE_LIST = (
    "https://scaletowin.freshdesk.com/support/solutions/articles/66000458907-automatic-opt-outs"
)
IVIP = (
    "https://www.ivipmobile.com/faqs/htwhnhb156/"
    "What-Key-Words-Will-Automatically-Unsubscribe-a-Contact"
)
TCPAWORLD = (
    "https://tcpaworld.com/2025/07/07/no-exit-and-i-do-not-wish-to-be-contacted-"
    "tcpa-class-action-sms-lawsuits-from-keyword-avoiders-pour-in/"
)
TLDCRM = "https://www.tldcrm.com/?p=2665"

POSTSCRIPT = "https://help.postscript.io/hc/en-us/articles/1260804630350-Subscriber-Opt-out-Actions"
TEXT_EM_ALL = "https://support.text-em-all.com/article/380-understanding-auto-opt-outs"
SPOKE_REWIRED = "https://docs.spokerewired.com/article/171-automatic-opt-out-keywords-and-phrases"

TATANGO_NL = "https://www.tatango.com/blog/tatango-launches-natural-language-unsubscribe-feature/"
TEXT_EM_ALL_ML = (
    "https://www.text-em-all.com/blog/how-were-using-machine-learning-to-prevent-unwanted-messages"
)
RECART = "https://help.recart.com/en/articles/ai-powered-unsubscribe-intent-detection?hsLang=en"
USHUR = "https://docs.ushur.com/v1/docs/sms-intent-recognition-opt-out-feature"
KLAVIYO = "https://help.klaviyo.com/hc/en-us/articles/35737275447067"
VOYAGE = "https://help.voyagesms.com/fuzzy-opt-out"
DATASCIENCE_SE = "https://datascience.stackexchange.com/questions/48344/best-approach-for-classification-problem-where-examples-most-belong-to-one-set"
TEXTELLENT = "https://textellent.com/sms-guides-and-troubleshooting/opt-out-compliance/"
KEYWORD_AVOIDERS = "https://natlawreview.com/article/its-here-first-wave-new-keyword-avoider-sms-opt-out-tcpa-class-actions-has-been"
OPT_OUT_EVADER = (
    "https://insidearm.logics.cc/news/00043524-court-bends-every-rule-grants-dismissal-k/"
)
SALONTARGET = "https://salontarget.com/faq/client-stopped-receiving-text-messages/"
ATTENTIVE = "https://help.attentivemobile.com/hc/en-us/articles/5581124538004"
RAINES = "https://rainesai.com/sms-consent"
STW_ABOUT = "https://scaletowin.freshdesk.com/support/solutions/articles/66000230985-about-opt-outs"
STW_LANGUAGE = (
    "https://scaletowin.freshdesk.com/support/solutions/articles/"
    "66000237655-mandatory-opt-out-sender-identification-language"
)
CHARLES = (
    "https://help.hello-charles.com/en/articles/367797-playbook-stay-gdpr-compliant-with-intents"
)
MOBILE_COMMONS = "https://www.twilio.com/marketplace/add-ons/mobilecommons-optout"
GINSBURG = "https://ginsburglawgroup.com/?p=13803"
SUPED = (
    "https://www.suped.com/email-deliverability/answers/"
    "what-keywords-can-i-use-to-filter-reply-messages-for-unsubscribe-requests"
)
WARREN = "https://elizabethwarren.com/resource/texting-opt-out-guide"
MOVEMENT_LABS = "https://support.movementlabs.com/article/23-opting-out"
CYCIVIC = "https://cycivic.com/article/how-to-get-off-political-text-list"
CLASSIFIER_SAMPLE = (
    "https://github.com/dwebster11/text-response-classifier-dd"
    " (text_response_classifier/sample_data/training_data.csv, rows labelled opt_out)"
)
ANGER_SAMPLES = "https://huggingface.co/datasets/pogpog/data-sentiments-02/viewer/default/train"
SPOKE_1016 = "https://github.com/ProgressiveCoders/Spoke/issues/1016"
P2PU_593 = "https://github.com/p2pu/learning-circles/issues/593"
P2PU_372 = "https://github.com/p2pu/learning-circles/issues/372"
EMOJI_SAMPLES = (
    "https://raw.githubusercontent.com/omerbsezer/LSTM_RNN_Tutorials_with_Demo/master/"
    "SentimentAnalysisProject/train_emoji.csv"
)
MOJI_SAMPLES = "https://huggingface.co/datasets/MoGP/g_test_set_Moji_stratify"
RANDO_WOMBLE = (
    "https://www.womblebonddickinson.com/us/insights/blogs/"
    "federal-court-upholds-sanctity-stop-revoke-consent-under-tcpa"
)
BRAZE_DOCS = (
    "https://github.com/braze-inc/braze-docs"
    " (_docs/_user_guide/message_building_by_channel/sms_mms_rcs/keywords/fuzzy_opt_out.md)"
)
THRUTEXT = "https://help.thrutext.io/support/solutions/articles/44001063876-opt-outs-for-texters"
SMSPORTAL = (
    "https://docs.smsportal.com/docs/adding-a-default-forwarding-reply-rule-to-your-opt-outs"
)
HUDSON = "https://cetient.com/case/8312921/hudson-v-ralph-lauren-corp"
LPSAACS = "https://lpsaacs.com/sms-terms-and-conditions"
CRM_CHRONOS = "https://crmchronos.pages.dev/sms-automation/"
MICROSIERVOS_ES = (
    "http://microsiervos.com/archivo/gadgets/darse-de-baja-publicidad-sms-movistar.html"
)
SEMPREQUISS_ES = "https://semprequiss.com/plantillas-operativas-no-asesoria-consentimiento-opt-out"
ACCOUNTS_RECOVERY_RANDO = (
    "http://www.accountsrecovery.net/2018/04/19/"
    "judge-dismisses-tcpa-class-action-because-plaintiff-was-unreasonable-in-revoking-consent/"
)

VA_NOTIFY = "https://github.com/department-of-veterans-affairs/notification-api/issues/313"
KOHLS_TATANGO = (
    "https://www.tatango.com/resources/tcpa-videos/tcpa-sms-marketing-lawsuit-viggiano-v-kohls/"
)
KALKUN = "https://github.com/kalkun-sms/Kalkun/wiki/Plugin%3A-Stop-manager"
LOCALTEXT = "https://localtextmarketers.com/help/"
ACHIRAS_ES = "https://achiras.net.ec/?p=7209&post_type=post"
SILICON_ES = (
    "https://silicon.es/dejar-de-recibir-mensajes-de-publicidad-en-el-movil-tarea-complicada-39876"
)
ZENDESK_FR = (
    "https://support.zendesk.com/hc/fr/articles/"
    "4410645872154-%C3%80-propos-des-mots-cl%C3%A9s-de-d%C3%A9sabonnement-dans-Zendesk-Text"
)

REVOKE = "revoke"
NOT = "not"

PUBLIC: dict[str, list[tuple[str, str, str]]] = {
    "en": [
        # Customers' own texts, quoted from TCPA opinions and their commentary.
        ("I would appreciate if we discontinue any further texts", REVOKE, EPPS_LEXOLOGY),
        (
            "Thank you but I would like the text messages to stop can we make this happen",
            REVOKE,
            EPPS_LEXOLOGY,
        ),
        ("Thank you. I'd like my contact info removed", REVOKE, RANDO_HINSHAW),
        ("I would appreciate it if we discontinue any further texts.", REVOKE, EPPS),
        (
            "Thank you, but I would like the text messages to stop. Can we make this happen?",
            REVOKE,
            EPPS,
        ),
        ("I'm simply asking for text to stop. I would appreciate that, thanks.", REVOKE, EPPS),
        ("I'm simply asking for texts to stop. I would appreciate that. Thanks", REVOKE, EPPS_9TH),
        (
            "Thank you but I would like the text messages to stop can we make that happen",
            REVOKE,
            "https://www.accountsrecovery.net/2018/10/29/appeals-court-upholds-ruling-dismissing-suit-against-individual-who-didnt-follow-opt-out-instructions/",
        ),
        ("Take my contact info off please", REVOKE, RANDO),
        ("I want to confirm that I have been removed off your contacts.", REVOKE, RANDO),
        ("I asked to be removed from this service a few times. Stop the messages", REVOKE, RANDO),
        ("Again I want to stop this service thank you.", REVOKE, RANDO),
        ("I've changed my mind and don't want to receive these anymore", REVOKE, VIGGIANO),
        ("Please do not send any further messages", REVOKE, VIGGIANO),
        ("Please don't send any further messages.", REVOKE, VIGGIANO_TDF),
        ("I don't want these messages anymore. This is your last warning!", REVOKE, VIGGIANO),
        (
            "I don't want these message anymore. This is your last warning!",
            REVOKE,
            "https://tcpablog.com/yet-another-court-rejects-yet-another-contrived-revocation-of-consent-claim/",
        ),
        ("leave me alone", REVOKE, BRAZE_FUZZY),
        ("No stop", REVOKE, BOSLEY),
        ("Remove my name", REVOKE, SPOKE),
        ("Lose my number", REVOKE, SPOKE),
        ("I opt out", REVOKE, SPOKE),
        ("stop2quit", REVOKE, SPOKE),
        ("Take me off this list", REVOKE, SPOKE),
        ("Don't contact me", REVOKE, SPOKE),
        ("delete my number", REVOKE, SPOKE),
        # Replies a texting platform opts contacts out on (spelling as listed there).
        ("delete me", REVOKE, SPOKE_LIST),
        ("delete this number", REVOKE, SPOKE_LIST),
        ("do not send me messages", REVOKE, SPOKE_LIST),
        ("do not text", REVOKE, SPOKE_LIST),
        ("do not text me", REVOKE, SPOKE_LIST),
        ("dont text me anymore", REVOKE, SPOKE_LIST),
        ("i optout", REVOKE, SPOKE_LIST),
        ("leave my alone", REVOKE, SPOKE_LIST),
        ("opting out", REVOKE, SPOKE_LIST),
        ("opt out please", REVOKE, SPOKE_LIST),
        ("please end", REVOKE, SPOKE_LIST),
        ("please remove", REVOKE, SPOKE_LIST),
        ("please remove me from your contacts", REVOKE, SPOKE_LIST),
        ("please remove me from your list", REVOKE, SPOKE_LIST),
        ("please remove me from your texting list", REVOKE, SPOKE_LIST),
        ("please remove my info thanks", REVOKE, SPOKE_LIST),
        ("please stop sending me messages", REVOKE, SPOKE_LIST),
        ("please stop sending me texts", REVOKE, SPOKE_LIST),
        ("please stop texting me", REVOKE, SPOKE_LIST),
        ("please take off this list", REVOKE, SPOKE_LIST),
        ("remove and please stop texting me thank you", REVOKE, SPOKE_LIST),
        ("remove end", REVOKE, SPOKE_LIST),
        ("remove me", REVOKE, SPOKE_LIST),
        ("optout end texts", REVOKE, SPOKE_LIST),
        ("opt out to end", REVOKE, SPOKE_LIST),
        ("optstop", REVOKE, SPOKE_LIST),
        ("quitremove", REVOKE, SPOKE_LIST),
        ("opt outt", REVOKE, SPOKE_LIST),
        ("opout", REVOKE, SPOKE_LIST),
        ("optput", REVOKE, SPOKE_LIST),
        ("no more texts", REVOKE, SPOKE_LIST),
        ("delete my number", REVOKE, SPOKE_LIST),
        ("lose my number", REVOKE, SPOKE_LIST),
        ("block", REVOKE, IVIP),
        ("stop this", REVOKE, IVIP),
        ("stop texts", REVOKE, IVIP),
        ("stop calling", REVOKE, IVIP),
        ("stop texting", REVOKE, IVIP),
        ("don't call", REVOKE, IVIP),
        ("do not call me", REVOKE, IVIP),
        ("don't text", REVOKE, IVIP),
        ("don't text me", REVOKE, IVIP),
        ("I do not wish to be contacted", REVOKE, TCPAWORLD),
        ("cease and desist", REVOKE, TCPAWORLD),
        ("cease and desist all communications", REVOKE, TLDCRM),
        ("Please unsubscribe", REVOKE, TLDCRM),
        # Replies a shop's texting platform has seen and opts out on.
        ("take me off", REVOKE, POSTSCRIPT),
        ("do not contact", REVOKE, POSTSCRIPT),
        ("don't contact", REVOKE, POSTSCRIPT),
        ("do not message", REVOKE, POSTSCRIPT),
        ("do not call", REVOKE, POSTSCRIPT),
        ("unsubscribe me", REVOKE, POSTSCRIPT),
        ("stop sending texts", REVOKE, POSTSCRIPT),
        ("stop sending me texts", REVOKE, POSTSCRIPT),
        ("stop ****ing texting", REVOKE, POSTSCRIPT),
        ("Stop the text, please!", REVOKE, POSTSCRIPT),
        (
            "Stop sending me text message! I have asked many times and you continue to send them to me!",
            REVOKE,
            POSTSCRIPT,
        ),
        ("Stop 🛑", REVOKE, POSTSCRIPT),
        (
            "STOP SENDING ME THESE TEXTS... I already ordered one and I don't want to keep getting texts "
            "from you",
            REVOKE,
            POSTSCRIPT,
        ),
        ("Please remove. Thanks.", REVOKE, POSTSCRIPT),
        ("Stop all texts to me!", REVOKE, POSTSCRIPT),
        ("Please delete me from your text list. Thanks so much!", REVOKE, POSTSCRIPT),
        ("Stop sending me text", REVOKE, POSTSCRIPT),
        ("Stop sending these, please!", REVOKE, POSTSCRIPT),
        ("Remove this number", REVOKE, POSTSCRIPT),
        ("Remove my phone number", REVOKE, POSTSCRIPT),
        ("Quit texting me you already ripped me off", REVOKE, POSTSCRIPT),
        ("Please remove my number from your system. Thank you!", REVOKE, POSTSCRIPT),
        ("Please do not text this number", REVOKE, TEXT_EM_ALL),
        ("How do I opt out?", REVOKE, TEXT_EM_ALL),
        ("I don't want these messages", REVOKE, TEXT_EM_ALL),
        ("stop 2 quit", REVOKE, SPOKE_REWIRED),
        ("stop=quit", REVOKE, SPOKE_REWIRED),
        ("stop to quit", REVOKE, SPOKE_REWIRED),
        ("stoptoquit", REVOKE, SPOKE_REWIRED),
        # Keywords providers and carriers honour.
        ("OPT-OUT", REVOKE, AWS),
        ("TD", REVOKE, AWS),
        ("Remove", REVOKE, CONCEPTS2CODE),
        ("REVOKE", REVOKE, TWILIO_2025),
        ("OptOut", REVOKE, TWILIO_2025),
        ("Stop all", REVOKE, TELNYX),
        ("stopall", REVOKE, TELNYX),
        ("Quit", REVOKE, VONAGE),
        ("End", REVOKE, VONAGE),
        ("opt out", REVOKE, FCC_RULE),
        ("Unsubscribe", REVOKE, FCC_RULE),
        ("Cancel", REVOKE, FCC_RULE),
        # Broadcasts and confirmations that only quote an instruction.
        ("Text STOP to stop receiving messages.", NOT, EPPS),
        ("Text STOP to end", NOT, EPPS_WATERFALL),
        ("Reply HELP for help. STOP to cancel.", NOT, RANDO),
        (
            "Sorry we don't understand the request! Text SAVE to join mobile alerts. "
            "Msg&DataRatesMayApply. Receive 5-7 msgs/mon. Reply HELP for help, STOP to cancel.",
            NOT,
            KOHLS_REPLY,
        ),
        (
            "If you wish to stop receiving text messages from us, please text the word STOP to ****",
            NOT,
            FIGHT13,
        ),
        (
            "To stop receiving text messages from us, please respond to this message with the word STOP",
            NOT,
            FIGHT13,
        ),
        ("Text STOP to cancel", NOT, TWILIO_CANADA),
        ("Text STOP to opt out", NOT, CONCEPTS2CODE),
        (
            'NETWORK MSG: You replied with the word "stop" which blocks all texts sent from this number. '
            'Text back "unstop" to receive messages again.',
            NOT,
            TWILIO_TOLL_FREE,
        ),
        (
            'NETWORK MSG: You have replied "unstop" and will begin receiving messages again from this number.',
            NOT,
            TWILIO_TOLL_FREE,
        ),
        (
            "You are now opted out from [Company Name] and will receive no further messages. "
            "Reply UNSTOP to opt back in.",
            NOT,
            SIMPLETEXTING,
        ),
        (
            "You are unsubscribed from {Campaign Name} {Description} Alerts. No more messages will be sent. "
            "Reply HELP for help or {toll free number}.",
            NOT,
            SOLUTIONSBYTEXT,
        ),
        (
            "{Campaign Name} {Description} Alerts: Help at {source of help #1} or {toll free number}. "
            "Msg&data rates may apply. {Message frequency}. Text STOP to cancel.",
            NOT,
            SOLUTIONSBYTEXT,
        ),
        (
            "You have been unsubscribed from [Brand] messages. You will not receive any more texts. "
            "Reply START to resubscribe.",
            NOT,
            DMTEXT,
        ),
        (
            "Company-Name: You have been opted out and will not receive any further messages",
            NOT,
            USLEGALFORMS,
        ),
        ("Reply stop to opt-out", NOT, USLEGALFORMS),
        ("For assistance with your account, call (206) 555-0199.", NOT, AWS),
        # Replies texting platforms read as opt-outs in their pages (2026-12-07).
        ("Remove me please", REVOKE, TATANGO_NL),
        ("Delete from texts please", REVOKE, TATANGO_NL),
        ("Please remove me. I have already asked once.", REVOKE, TEXT_EM_ALL_ML),
        (
            "I have been receiving these messages in error. Please remove me.",
            REVOKE,
            TEXT_EM_ALL_ML,
        ),
        ("I don't wish to receive these offers anymore.", REVOKE, TEXT_EM_ALL_ML),
        (
            "Can I please be taken off of the list! Not coming out this winter. thanks",
            REVOKE,
            TEXT_EM_ALL_ML,
        ),
        ("Stop ! ! !", REVOKE, TEXT_EM_ALL_ML),
        ("I don't want these anymore", REVOKE, RECART),
        ("I don't want this", REVOKE, RECART),
        ("cease all", REVOKE, RECART),
        ("seize all", REVOKE, RECART),
        ("Dtop", REVOKE, RECART),
        ("🛑", REVOKE, RECART),
        ("✋", REVOKE, RECART),
        ("🚫", REVOKE, RECART),
        ("STOP!! 😡", REVOKE, USHUR),
        ("stopp plz", REVOKE, USHUR),
        ("SOTP", REVOKE, KLAVIYO),
        ("Please no more messages.", REVOKE, KLAVIYO),
        ("Please stop messaging me", REVOKE, VOYAGE),
        ("Not interested. Please stop texts", REVOKE, DATASCIENCE_SE),
        ("Pls stop texting", REVOKE, DATASCIENCE_SE),
        (
            "Not real sure how you got my number... but I am not interested",
            REVOKE,
            DATASCIENCE_SE,
        ),
        ("stop please", REVOKE, TEXTELLENT),
        ("Cease and Desist All Communication", REVOKE, KEYWORD_AVOIDERS),
        ("Exit", REVOKE, KEYWORD_AVOIDERS),
        ("It would be great if you would no longer text me. Thanks.", REVOKE, OPT_OUT_EVADER),
        (
            "These text messages are really quite excessive so please cut it out.",
            REVOKE,
            OPT_OUT_EVADER,
        ),
        # Replies those pages name as not opt-outs, and instructions broadcasts carry.
        ("please cancel my order", NOT, KLAVIYO),
        ("Please cancel my order!", NOT, VOYAGE),
        ("Y", NOT, RECART),
        ("Yes", NOT, RECART),
        ("No", NOT, RECART),
        ("Thanks", NOT, RECART),
        ("Ok", NOT, RECART),
        ("This number does not accept SMS text messages", NOT, RECART),
        ("To cancel appointment call Salon.", NOT, SALONTARGET),
        ("Text \u201cSTOP\u201d to stop", NOT, ATTENTIVE),
        ("UNSUBSCRIBE to stop receiving messages from us", NOT, ATTENTIVE),
        # A service business's own texts, as its consent page prints them.
        ("Sorry we missed your call. How can we help you? Reply STOP to opt out.", NOT, RAINES),
        (
            "May we send you text messages regarding your service request, including appointment "
            "updates and follow-ups? Message and data rates may apply. You can reply STOP at any "
            "time to opt out.",
            NOT,
            RAINES,
        ),
        # A texting platform's examples of requests to opt out, and of its broadcasts.
        ("Remove my number", REVOKE, STW_ABOUT),
        ("Don't text me again", REVOKE, STW_ABOUT),
        ("please go away", REVOKE, SPOKE_LIST),
        ("please remove text", REVOKE, SPOKE_LIST),
        ("please dont text me thanks", REVOKE, SPOKE_LIST),
        ("remove dammit", REVOKE, SPOKE_LIST),
        ("remove idiots", REVOKE, SPOKE_LIST),
        ("delete quit", REVOKE, SPOKE_LIST),
        ("end remove", REVOKE, SPOKE_LIST),
        (
            "Hi {firstName}, I\u2019m {texterAliasOrFirstName}, a volunteer with The Big Organizing "
            "Project. Txt stop to opt-out. Have you heard of our progressive slate of candidates?",
            NOT,
            STW_LANGUAGE,
        ),
        (
            "{firstName}, is anything holding you back from voting this Tuesday? This is "
            "{texterAliasOrFirstName} with Progressive Texting. Reply with questions or stop to quit.",
            NOT,
            STW_LANGUAGE,
        ),
        (
            "Critical election alert - if you live in {zip}, your polling location has changed to "
            "{polling_location}. Call {voter_hotline} with questions, reply stop to end. "
            "- Marry Bett\u2019s campaign",
            NOT,
            STW_LANGUAGE,
        ),
        (
            "Neighbors for a Brighter Tomorrow here, just wanted to follow up and see if you\u2019re "
            "able to sign our petition? Stop to opt-out.",
            NOT,
            STW_LANGUAGE,
        ),
        # Requests a chat platform's unsubscribe intent is built from, a classifier's
        # examples of a polite request and of "stop" about something else, a law firm's
        # advice on wording, and the replies email senders filter for (2026-12-07).
        ("Unsubscribe me", REVOKE, CHARLES),
        ("Stop sending me messages", REVOKE, CHARLES),
        ("I don't want these anymore", REVOKE, CHARLES),
        ("Remove me from your list", REVOKE, CHARLES),
        ("Too many messages", REVOKE, CHARLES),
        ("Stop these notifications", REVOKE, CHARLES),
        ("I don't want to receive messages anymore", REVOKE, CHARLES),
        ("Unsubscribe please", REVOKE, CHARLES),
        ("Too many messages, stop", REVOKE, CHARLES),
        ("I want to unsubscribe from your messages", REVOKE, CHARLES),
        ("STOP ALL", REVOKE, MOBILE_COMMONS),
        ("Please don't text me again", REVOKE, MOBILE_COMMONS),
        ("Stop joking around", NOT, MOBILE_COMMONS),
        ("goodbye", REVOKE, BRAZE_FUZZY),
        ("DO NOT CONTACT ME", REVOKE, GINSBURG),
        ("Do not call me again.", REVOKE, GINSBURG),
        ("Remove my number from your list.", REVOKE, GINSBURG),
        ("stop emails", REVOKE, SUPED),
        ("no more emails", REVOKE, SUPED),
        ("I want to unsubscribe", REVOKE, SUPED),
        ("Reply HELP for help. STOP to cancel.", NOT, ACCOUNTS_RECOVERY_RANDO),
        # A campaign's guide to its volunteers on which replies opt a voter out and
        # which do not, another texting team's, a voter's guide, and a classifier's
        # labelled sample (2026-12-07).
        ("Cease", REVOKE, WARREN),
        ("No More", REVOKE, WARREN),
        ("Don't text me anymore", REVOKE, WARREN),
        ("Do not send me any more messages.", REVOKE, WARREN),
        ("No more texts", REVOKE, WARREN),
        ("Delete", REVOKE, WARREN),
        ("Take me off", REVOKE, WARREN),
        ("No", NOT, WARREN),
        ("Don't text me", REVOKE, MOVEMENT_LABS),
        ("I'm on the Do Not Call List", REVOKE, MOVEMENT_LABS),
        ("END ALL", REVOKE, CYCIVIC),
        ("Remove me from your mailing list", REVOKE, CYCIVIC),
        ("Stop texting me", REVOKE, CLASSIFIER_SAMPLE),
        ("Take me off your list", REVOKE, CLASSIFIER_SAMPLE),
        # Angry replies a sentiment data set collects, labelled here by whether they ask
        # to stop (the complaints that ask nothing are not revocations); replies texting
        # teams and a learning platform discuss; "stop" and "texting" about other things
        # in public sentiment samples (2026-12-07).
        ("Stop spamming my phone now", REVOKE, ANGER_SAMPLES),
        ("This is harassment, leave me alone", REVOKE, ANGER_SAMPLES),
        ("How many times do I have to say stop texting me", REVOKE, ANGER_SAMPLES),
        ("Take me off your list immediately", REVOKE, ANGER_SAMPLES),
        ("I already told you to stop", REVOKE, ANGER_SAMPLES),
        ("I don't want to hear from you again", REVOKE, ANGER_SAMPLES),
        ("How many times do I have to tell you to stop?", REVOKE, ANGER_SAMPLES),
        ("This is ridiculous, leave me alone", REVOKE, ANGER_SAMPLES),
        ("Stop bothering me right now", REVOKE, ANGER_SAMPLES),
        ("Please stop contacting me immediately", REVOKE, ANGER_SAMPLES),
        ("You're wasting my time", NOT, ANGER_SAMPLES),
        ("Your company is a joke", NOT, ANGER_SAMPLES),
        ("This is completely unacceptable", NOT, ANGER_SAMPLES),
        ("Are you even reading what I'm saying?", NOT, ANGER_SAMPLES),
        ("Learn to listen for once", NOT, ANGER_SAMPLES),
        ("Do you think this is acceptable behaviour?", NOT, ANGER_SAMPLES),
        ("Do not EVER contact me again", REVOKE, SPOKE_1016),
        (
            "Count me in! We have got to STOP this terrible bill from passing!!",
            NOT,
            SPOKE_1016,
        ),
        ("Stop. Thank you", REVOKE, P2PU_593),
        ("please stop sending text reminders", REVOKE, P2PU_372),
        ("Stop saying bullshit", NOT, EMOJI_SAMPLES),
        ("Stop shouting at me", NOT, EMOJI_SAMPLES),
        ("she did not answer my text", NOT, EMOJI_SAMPLES),
        (
            "I'm about to get my number changed , these randoms keep texting me !!",
            NOT,
            MOJI_SAMPLES,
        ),
        ("Nobody texting me", NOT, MOJI_SAMPLES),
        # A customer's later texts as a second commentary prints them, replies a
        # platform's docs and a texting team's guide read as opt-outs, a provider's
        # opt-out words, and the instructions and confirmations broadcasts carry
        # (2026-12-07, fourth round).
        ("I want to confirm that I have been removed from your contacts", REVOKE, RANDO_WOMBLE),
        ("Again I want to stop the service thank you.", REVOKE, RANDO_WOMBLE),
        ("Thank you. I'd like my contact info to be removed.", REVOKE, RANDO_WOMBLE),
        ("Checking in today to see if my information is removed.", REVOKE, RANDO_WOMBLE),
        ("Please stopppp", REVOKE, BRAZE_DOCS),
        ("Stpo", REVOKE, BRAZE_DOCS),
        ("stop sending me messages, they cost me money", REVOKE, THRUTEXT),
        ("Spam", REVOKE, SMSPORTAL),
        ("To unsubscribe from all messages, reply with the word STOP.", NOT, BRAZE_DOCS),
        (
            "We received your message. If you'd like to stop receiving texts, please text STOP.",
            NOT,
            BRAZE_DOCS,
        ),
        (
            "Did you mean to unsubscribe? Reply STOP to opt out of all future messages.",
            NOT,
            BRAZE_DOCS,
        ),
        (
            "You have successfully been unsubscribed. You will not receive any more messages from "
            "this number. Reply START to resubscribe.",
            NOT,
            BRAZE_DOCS,
        ),
        (
            "PoloFactoryStores: Reply Y to get automated offers & ads. Consent is not a condition of "
            "purchase. Up to 6 alert msgs/mo.Msg&DataRatesMayApply.Rply STOP to end.",
            NOT,
            HUDSON,
        ),
        (
            "Please click on this link to make your monthly payment. Reply STOP to opt out of SMS "
            "messaging at any time.",
            NOT,
            LPSAACS,
        ),
        (
            "Hi {{firstName}}! It\u2019s (texter Alias or First Name) with <campaign>. <Candidate> has "
            "been working hard for regular people their entire career, and now they need your help. "
            "Can <Candidate> count on your vote? Stop to quit.",
            NOT,
            STW_LANGUAGE,
        ),
        ("yes but call after 5", NOT, CRM_CHRONOS),
        # Added 2026-12-07, seventh round: a texting team's rule for replies that opt a
        # contact out, a texting tool's opt-out by topic and a provider's by list (the
        # instructions beside them are not opt-outs), a benefits notifier's HELP, STOP and
        # START replies, and the reply a retailer's platform sent to a customer's plea.
        ("Don't text back", REVOKE, SPOKE_1016),
        ("STOP ads", REVOKE, KALKUN),
        ("START ads", NOT, KALKUN),
        ("Stop-2", REVOKE, LOCALTEXT),
        (
            "You are on 3 lists: Stop-1 Stops Green widget list Stop-2 Stops Red widget list "
            "Stop-3 Stops Blue widget list",
            NOT,
            LOCALTEXT,
        ),
        (
            "VA prescription shipment notifications: Reply STOP to unsubscribe. Call 800-932-6408 "
            "Ext 3555 for help. 1msg/shipment. Msg&data rates may apply.",
            NOT,
            VA_NOTIFY,
        ),
        (
            "VA prescription shipment notifications: You will no longer receive VA prescription "
            "shipment notifications. Reply START to resubscribe.",
            NOT,
            VA_NOTIFY,
        ),
        (
            "VA prescription shipment notifications: You will now receive VA prescription shipment "
            "notifications. Reply STOP to unsubscribe.",
            NOT,
            VA_NOTIFY,
        ),
        (
            "Sorry, we don't understand. Reply, 'HELP' for help or, 'STOP' to cancel.",
            NOT,
            KOHLS_TATANGO,
        ),
        (
            "Sorry we don't understand the request! Reply HELP for help, STOP to cancel.",
            NOT,
            VIGGIANO_TDF,
        ),
    ],
    "es": [
        ("Bórrenme de su lista", REVOKE, THRUTEXT_ES),
        ("Dejen de enviarme mensajes", REVOKE, THRUTEXT_ES),
        ("alto", REVOKE, SPOKE_LIST),
        ("Detener", REVOKE, AIVO_ES),
        ("parar", REVOKE, AIVO_ES),
        ("desuscribir", REVOKE, AIVO_ES),
        ("Baja", REVOKE, AIVO_ES),
        ("CANCELAR", REVOKE, INTELIGENTES_ES),
        ("No Mas", REVOKE, FCC_RULE),
        ("Deja de enviarme mensajes", REVOKE, USHUR),
        (
            "¡Gracias por suscribirte a [Tienda]! Recibirás ofertas exclusivas. "
            "Responde BAJA en cualquier momento para dejar de recibir mensajes.",
            NOT,
            NOTIFYCAME_ES,
        ),
        ("Responde STOP para darte de baja", NOT, NOTIFYCAME_ES),
        ("Responder STOP a [STOP_CODE]", NOT, BREVO_ES),
        ("Tu suscripción ha sido cancelada con éxito", NOT, AIVO_ES),
        ("Iniciar", NOT, AIVO_ES),
        ("SUSCRIBIRME", NOT, NOTIFYCAME_ES),
        ("COMENZAR", NOT, NOTIFYCAME_ES),
        ("Ayuda", NOT, ONESIGNAL_ES),
        # A broadcast a subscriber quotes, a consent template's instruction, and a bare
        # yes among replies a CRM sorts (2026-12-07, fourth round).
        (
            "¡Enhorabuena! Gracias por participar. Ahora entra usted cada día en un sorteo de uno "
            "de los 100 coches Porsche Cayenne.",
            NOT,
            MICROSIERVOS_ES,
        ),
        ("Responde ALTO", NOT, SEMPREQUISS_ES),
        ("SI", NOT, CRM_CHRONOS),
        # Added 2026-12-07, seventh round: the word an Ecuadorian regulator tells
        # subscribers to send, and the reply a Spanish carrier's legend asks for.
        ("salir", REVOKE, ACHIRAS_ES),
        ("No+Publi", REVOKE, SILICON_ES),
    ],
    "fr": [
        ("ARRET", REVOKE, TWILIO_CANADA),
        ("ARRETE", REVOKE, TWILIO_PROXY),
        ("ARRETT", REVOKE, TWILIO_PROXY),
        ("Arrêt", REVOKE, AWS),
        ("STOP", REVOKE, COMMENTCAMARCHE_FR),
        ("Texter ARRET pour ##### pour annuler", NOT, TWILIO_CANADA),
        (
            "Demande enregistree. Vous ne recevrez plus de message en provenance de notre service. "
            "SMS non surtaxe.",
            NOT,
            UNICODA_FR,
        ),
        (
            "Brico Dépot CAMBRAI: dès le 21 octobre, le LEGENDAIRE ANNIVERSAIRE jour les prolongations: "
            "+ d'arrivages, + de prix bas, +de qualité !",
            NOT,
            UNICODA_FR,
        ),
        # Promotions a consumers' page quotes (2026-12-07, fourth round).
        ("Jusqu'à -70 % sur tout le magasin !", NOT, COMMENTCAMARCHE_FR),
        ("Soldes de folie jusqu'au 8 février !", NOT, COMMENTCAMARCHE_FR),
        ("Une offre à ne manquer pour rien au monde !", NOT, COMMENTCAMARCHE_FR),
        # Added 2026-12-07, seventh round: a help desk's opt-out confirmation, as printed.
        (
            "Vous avez êtes désormais désabonné. Vous ne recevrez plus de messages de ce numéro. "
            "Répondez START pour vous réabonner.",
            NOT,
            ZENDESK_FR,
        ),
    ],
}
